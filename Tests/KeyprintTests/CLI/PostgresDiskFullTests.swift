import Foundation
import Testing
@testable import KeyprintModel
@testable import KeyprintStore
@testable import KeyprintStorePostgres

/// A full disk on the PostgreSQL server (#10 item 4): the case database lives in a tablespace on
/// a small tmpfs that a scan fills. The scan stops with exit 3 and a message naming the server's
/// full disk (SQLSTATE 53100); the file in flight rolled back (no file holds part of its rows);
/// once the tmpfs is remounted bigger, `resume` completes the case to one uninterrupted scan's.
/// Needs root (mount) and the server on this machine (scripts/test's cluster); in CI it runs.
@Suite(.serialized) struct PostgresDiskFullTests {
    static var isRoot: Bool { getuid() == 0 }

    /// Runs a command; its status.
    @discardableResult
    static func shell(_ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Kilobytes in use on the file system at `path`.
    static func usedKB(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfFileSystem(forPath: path)
        let size = (attributes[.systemSize] as? NSNumber)?.intValue ?? 0
        let free = (attributes[.systemFreeSize] as? NSNumber)?.intValue ?? 0
        return (size - free) / 1024
    }

    @Test(.enabled(if: TestPostgres.enabled, TestPostgres.skipReason))
    func aFullDiskOnTheServerStopsTheScanWithItsOwnErrorAndResumeCompletesItOnceSpaceIsFreed() async throws {
        guard let admin = TestPostgres.serverURL() else { return }
        guard Self.isRoot, TestPostgres.clusterFolder != nil else {
            let why = "the full-disk test needs root (to mount a tmpfs) and scripts/test's local cluster"
            if TestPostgres.inCI { Issue.record("\(why): it cannot run here") } else { print("PostgreSQL full-disk test skipped: \(why)") }
            return
        }
        let expected = try await PostgresScanTests.reference.get()
        let folder = try TemporaryFolder("keyprint-full-disk")
        let mountPoint = folder.path
        let suffix = UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12)
        let tablespace = "keyprint_full_\(suffix)", database = "keyprint_full_\(suffix)"
        try #require(try Self.shell(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", mountPoint]) == 0, "mount a tmpfs")
        var failure: (any Error)?
        do {
            #expect(try Self.shell(["chown", "postgres:", mountPoint]) == 0)
            try await PostgresCaseStore.executeRaw(url: admin, ["CREATE TABLESPACE \(tablespace) LOCATION '\(mountPoint)'",
                                                                "CREATE DATABASE \(database) TABLESPACE \(tablespace)"])
            var url = admin
            if let range = url.range(of: "/\(try PostgresLocation(admin).database)", options: .backwards) { url.replaceSubrange(range, with: "/\(database)") }
            try await Self.fillAndResume(url: url, mountPoint: mountPoint, expected: expected)
        } catch {
            failure = error
        }
        try? await PostgresCaseStore.executeRaw(url: admin, ["DROP DATABASE IF EXISTS \(database) WITH (FORCE)", "DROP TABLESPACE IF EXISTS \(tablespace)"])
        #expect(try Self.shell(["umount", mountPoint]) == 0, "unmount the tmpfs")
        folder.remove()
        if let failure { throw failure }
    }

    static func fillAndResume(url: String, mountPoint: String, expected: [String: String]) async throws {
        // The schema in place, then the disk shrunk to what it uses plus 160 KiB: less than the
        // scan of samples/ writes (about 400 KiB of rows and indexes).
        let schema = try await PostgresCaseStore.open(url, access: .write)
        await schema.close()
        let size = try Self.usedKB(mountPoint) + 160
        #expect(try Self.shell(["mount", "-o", "remount,size=\(size)k", mountPoint]) == 0, "shrink the tmpfs to \(size) KiB")

        let scan = try KeyprintBinary.run(["scan", KeyprintBinary.packageRoot + "/samples", "--db", url, "--jobs", "1",
                                           "--worker-id", "full-disk", "--lease-seconds", "5", "--quiet"])
        print("full disk: tmpfs \(size) KiB; scan ended \(scan.status): \(scan.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
        #expect(scan.status == 3, "the scan on a full disk ended with \(scan.status): \(scan.stderr)")
        #expect(scan.stderr.contains("the disk of the PostgreSQL server at") && scan.stderr.contains("is full") && scan.stderr.contains("SQLSTATE 53100"),
                "\(scan.stderr)")
        #expect(scan.stderr.contains("keyprint resume"), "the message says what to do: \(scan.stderr)")

        // Space freed first (on a full disk the server cannot even start a new session: it fails
        // writing its relation cache file, XX000), then: nothing half-written, a file is done with
        // every row of the uninterrupted scan, or holds none.
        #expect(try Self.shell(["mount", "-o", "remount,size=64m", mountPoint]) == 0)
        let store = try await PostgresCaseStore.open(url, access: .read)
        let files = try await store.files(collection: nil)
        let stopped = try await PostgresScanTests.contents(store)
        var done = 0
        for file in files {
            let key = file.collection + "/" + file.relativePath
            if file.state == .done || file.state == .skipped {
                done += 1
                #expect(stopped[key] == expected[key], "\(key) differs from the uninterrupted scan")
            } else {
                let rows = try await store.frames(fileID: file.id).count + (try await store.regionFrames(fileID: file.id).count)
                #expect(rows == 0 && file.frameCount == 0, "\(key) (\(file.state.rawValue)) holds \(rows) rows")
            }
        }
        await store.close()
        print("full disk: \(done) of \(expected.count) files finished before the disk filled")
        #expect(done < expected.count, "the disk did not fill: every file was done")

        // Resume completes the case to the uninterrupted scan's.
        let resume = try KeyprintBinary.run(["resume", "--db", url, "--worker-id", "full-disk", "--lease-seconds", "5", "--quiet"])
        #expect(resume.status == 0, "resume ended with \(resume.status): \(resume.stderr)")
        let after = try await PostgresCaseStore.open(url, access: .read)
        let got = try await PostgresScanTests.contents(after)
        await after.close()
        #expect(got == expected, "after resume the case differs from one uninterrupted scan: \(got.filter { expected[$0.key] != $0.value }.keys.sorted())")
    }
}
