import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import KeyprintModel
import KeyprintDecode
import KeyprintHash
import KeyprintIndex
import KeyprintStore
import KeyprintExport

/// MD5, SHA-1 and SHA-256 of a file in one read pass, from the descriptor of an `EvidenceFile`
/// (opened read-only, without following a final symbolic link, never blocking on a FIFO, with
/// O_NOATIME where the system allows it), the same descriptor that is then decoded.
public enum CustodyHasher {
    public struct Result: Sendable, Equatable {
        public var digests: CustodyDigests
        /// Bytes read (the size at the time of reading).
        public var size: Int64
        /// The first bytes of the file, for recognising its format.
        public var head: [UInt8]
    }

    /// Why the file could not be opened or read.
    public typealias Failure = EvidenceFile.Failure

    public static let headLength = 4096

    /// Opens `path` and hashes it.
    public static func hash(path: String, chunkSize: Int = 1 << 20, shouldStop: () -> Bool = { false }) throws -> Result {
        try hash(file: EvidenceFile(path: path), chunkSize: chunkSize, shouldStop: shouldStop)
    }

    /// Hashes the whole of `file` from its start (pread: the descriptor's offset is not moved).
    /// Throws `DeadlineExceeded` when `deadline` has passed after a full chunk, `CancellationError` when
    /// `shouldStop` says so, `Failure` when a read fails.
    public static func hash(file: EvidenceFile, chunkSize: Int = 1 << 20, deadline: Deadline = .none,
                            shouldStop: () -> Bool = { false }, onChunk: (Int) -> Void = { _ in }) throws -> Result {
        var md5 = Insecure.MD5()
        var sha1 = Insecure.SHA1()
        var sha256 = SHA256()
        var head: [UInt8] = []
        var total: Int64 = 0
        var buffer = [UInt8](repeating: 0, count: chunkSize)
        while true {
            if shouldStop() { throw CancellationError() }
            let count = try buffer.withUnsafeMutableBytes { raw throws(Failure) in
                try file.read(into: raw.baseAddress!, count: chunkSize, at: total)
            }
            if count == 0 { break }
            buffer.withUnsafeBytes { raw in
                let chunk = UnsafeRawBufferPointer(rebasing: raw[0..<count])
                md5.update(bufferPointer: chunk)
                sha1.update(bufferPointer: chunk)
                sha256.update(bufferPointer: chunk)
            }
            if head.count < headLength { head.append(contentsOf: buffer[0..<min(count, headLength - head.count)]) }
            total += Int64(count)
            onChunk(count)
            // After a full chunk more may follow: the budget is checked there, so that a file
            // read in one chunk (bounded work) is never stopped half hashed.
            if count == chunkSize && deadline.hasPassed { throw DeadlineExceeded(seconds: deadline.budget ?? 0) }
        }
        return Result(digests: CustodyDigests(md5: hex(md5.finalize()), sha1: hex(sha1.finalize()), sha256: hex(sha256.finalize())),
                      size: total, head: head)
    }

    /// Digests of bytes in memory (for tests and small inputs).
    public static func digests(of data: [UInt8]) -> CustodyDigests {
        CustodyDigests(md5: hex(Insecure.MD5.hash(data: data)), sha1: hex(Insecure.SHA1.hash(data: data)),
                       sha256: hex(SHA256.hash(data: data)))
    }

    static func hex(_ digest: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in digest { out.append(digits[Int(byte >> 4)]); out.append(digits[Int(byte & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }
}
