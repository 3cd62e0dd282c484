import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The byte layer of the persistent match index (`PersistentMatchIndex`): a file of 64-bit
/// little-endian words ending in a trailer of two words, the number of words before it and a
/// checksum of them. A reader checks both, so a file cut short (a torn write), grown, or with
/// any word changed is refused as a whole. The writer writes a temporary file next to the
/// target, syncs it, renames it over the target and syncs the folder: a kill at any moment
/// leaves the old file or the new one, never a mix, and at worst a stale temporary file that
/// the next write removes.
enum PersistentIndexFile {
    /// Format 2: each frame carries its turned hashes (format 1 had none: turned copies read from
    /// it were matched unturned); a file of another format is rebuilt.
    static let magic: UInt64 = 0x4B50_5F49_4E44_5802   // "KP_INDX" + format 2
    static let byteOrderMark: UInt64 = 0x0102_0304_0506_0708

    struct Checksum {
        private(set) var value: UInt64 = 0x243F_6A88_85A3_08D3
        @inline(__always) mutating func add(_ word: UInt64) { value = (value ^ word) &* 0x9E37_79B9_7F4A_7C15 ^ (value >> 29) }
        mutating func add(_ words: UnsafeBufferPointer<UInt64>) { for w in words { add(w) } }
        var final: UInt64 { var v = value; v ^= v >> 33; v &*= 0xFF51_AFD7_ED55_8CCD; v ^= v >> 33; return v }
    }

    enum Problem: Error, CustomStringConvertible {
        case io(String)
        case damaged(String)

        var description: String {
            switch self {
            case .io(let text): return text
            case .damaged(let text): return "damaged or incomplete (\(text))"
            }
        }
    }

    static func errnoText(_ what: String, _ path: String) -> String { "\(what) \(path): \(String(cString: strerror(errno)))" }

    // MARK: Writing

    final class Writer {
        let path: String
        let temporary: String
        private var fd: Int32
        private var buffer: [UInt64] = []
        private var checksum = Checksum()
        private var written = 0
        private static let bufferWords = 1 << 17   // 1 MiB

        /// Opens a new temporary file beside `path` with the permission bits `mode`.
        init(path: String, mode: mode_t) throws {
            self.path = path
            Self.removeStaleTemporaries(of: path)
            var bytes = [UInt8](repeating: 0, count: 8)
            for i in bytes.indices { bytes[i] = UInt8.random(in: 0...255) }
            temporary = path + ".tmp-\(getpid())-" + bytes.map { String(format: "%02x", $0) }.joined()
            fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
            if fd < 0 { throw Problem.io(errnoText("cannot create", temporary)) }
            buffer.reserveCapacity(Self.bufferWords)
        }

        deinit { if fd >= 0 { close(fd); unlink(temporary) } }

        @inline(__always) func put(_ word: UInt64) throws {
            buffer.append(word)
            if buffer.count == Self.bufferWords { try flush() }
        }

        func put(_ value: Int) throws { try put(UInt64(bitPattern: Int64(value))) }
        func put(_ value: Int64) throws { try put(UInt64(bitPattern: value)) }
        func put(_ value: Double) throws { try put(value.bitPattern) }

        /// A count, then the elements' bytes packed into words (the last one zero-padded).
        func putArray<T: FixedWidthInteger>(_ values: [T]) throws {
            try put(values.count)
            let size = MemoryLayout<T>.size
            if size == 8 {
                for v in values { try put(UInt64(truncatingIfNeeded: v)) }
                return
            }
            let perWord = 8 / size
            var i = 0
            while i < values.count {
                var word: UInt64 = 0
                for k in 0..<perWord where i + k < values.count {
                    word |= (UInt64(truncatingIfNeeded: values[i + k]) & (UInt64.max >> UInt64(64 - 8 * size))) << UInt64(8 * size * k)
                }
                try put(word)
                i += perWord
            }
        }

        func putString(_ text: String) throws { try putArray(Array(text.utf8)) }

        private func flush() throws {
            guard !buffer.isEmpty else { return }
            try buffer.withUnsafeBufferPointer { words in
                checksum.add(words)
                try writeAll(UnsafeRawBufferPointer(words))
            }
            written += buffer.count
            buffer.removeAll(keepingCapacity: true)
        }

        private func writeAll(_ bytes: UnsafeRawBufferPointer) throws {
            guard var next = bytes.baseAddress else { return }
            var left = bytes.count
            while left > 0 {
                let n = write(fd, next, left)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw Problem.io(errnoText("cannot write", temporary))
                }
                next += n
                left -= n
            }
        }

        /// Writes the trailer, syncs, renames the temporary file over `path` and syncs the folder.
        func commit() throws {
            try flush()
            let trailer = [UInt64(written), checksum.final]
            try trailer.withUnsafeBufferPointer { try writeAll(UnsafeRawBufferPointer($0)) }
            if fsync(fd) != 0 { throw Problem.io(errnoText("cannot sync", temporary)) }
            close(fd)
            fd = -1
            if rename(temporary, path) != 0 {
                let text = errnoText("cannot rename \(temporary) to", path)
                unlink(temporary)
                throw Problem.io(text)
            }
            let folder = (path as NSString).deletingLastPathComponent
            let dfd = open(folder.isEmpty ? "." : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if dfd >= 0 { fsync(dfd); close(dfd) }
        }

        /// Temporary files of writers that were killed (their process is gone).
        static func removeStaleTemporaries(of path: String) {
            let folder = (path as NSString).deletingLastPathComponent
            let prefix = (path as NSString).lastPathComponent + ".tmp-"
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.isEmpty ? "." : folder) else { return }
            for name in names where name.hasPrefix(prefix) {
                guard let pid = Int32(name.dropFirst(prefix.count).prefix { $0 != "-" }) else { continue }
                if kill(pid, 0) != 0 && errno == ESRCH { unlink((folder.isEmpty ? "." : folder) + "/" + name) }
            }
        }
    }

    // MARK: Reading

    /// Reads a file written by `Writer` word by word, in chunks; `finish()` says whether every
    /// word was read and the checksum holds. Counts are checked against the words left, so a
    /// damaged count fails instead of allocating.
    final class Reader {
        let path: String
        private let fd: Int32
        /// Words before the trailer.
        let payloadWords: Int
        private let expectedChecksum: UInt64
        private var checksum = Checksum()
        private var chunk: [UInt64] = []
        private var position = 0     // in chunk
        private var consumed = 0     // words of the payload handed out
        private var loaded = 0       // words of the payload read from the file
        private static let chunkWords = 1 << 17

        /// nil when there is no file; throws when it is not a readable, complete-looking index file.
        init?(path: String) throws {
            self.path = path
            let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
            if fd < 0 {
                if errno == ENOENT { return nil }
                throw Problem.io(errnoText("cannot open", path))
            }
            var info = stat()
            guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { close(fd); throw Problem.io("\(path) is not a regular file") }
            let size = Int(info.st_size)
            guard size % 8 == 0, size >= 8 * 4 else { close(fd); throw Problem.damaged("\(size) bytes") }
            var trailer = [UInt64](repeating: 0, count: 2)
            let got = trailer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 16, off_t(size - 16)) }
            guard got == 16, trailer[0] == UInt64(size / 8 - 2) else { close(fd); throw Problem.damaged("its length does not match its trailer") }
            self.fd = fd
            payloadWords = size / 8 - 2
            expectedChecksum = trailer[1]
        }

        deinit { close(fd) }

        var remaining: Int { payloadWords - consumed }

        private func refill() throws {
            guard loaded < payloadWords else { throw Problem.damaged("it ends early") }
            let words = min(Self.chunkWords, payloadWords - loaded)
            chunk = [UInt64](repeating: 0, count: words)
            var done = 0
            try chunk.withUnsafeMutableBytes { buffer in
                while done < words * 8 {
                    let n = pread(fd, buffer.baseAddress! + done, words * 8 - done, off_t(loaded * 8 + done))
                    if n < 0 && errno == EINTR { continue }
                    if n <= 0 { throw Problem.io(errnoText("cannot read", path)) }
                    done += n
                }
            }
            chunk.withUnsafeBufferPointer { checksum.add($0) }
            loaded += words
            position = 0
        }

        @inline(__always) func next() throws -> UInt64 {
            if position == chunk.count { try refill() }
            let w = chunk[position]
            position += 1
            consumed += 1
            return w
        }

        func nextInt() throws -> Int { Int(Int64(bitPattern: try next())) }
        func nextDouble() throws -> Double { Double(bitPattern: try next()) }

        /// A count of at most `limit` (and never more than the words left could hold).
        func nextCount(limit: Int = Int.max, perWord: Int = 1) throws -> Int {
            let n = try nextInt()
            guard n >= 0, n <= limit, (n + perWord - 1) / perWord <= remaining else { throw Problem.damaged("a count of \(n)") }
            return n
        }

        func nextArray<T: FixedWidthInteger>(_: T.Type) throws -> [T] {
            let size = MemoryLayout<T>.size
            let perWord = 8 / size
            let n = try nextCount(perWord: perWord)
            var out = [T]()
            out.reserveCapacity(n)
            var i = 0
            while i < n {
                let word = try next()
                for k in 0..<perWord where i + k < n { out.append(T(truncatingIfNeeded: word >> UInt64(8 * size * k))) }
                i += perWord
            }
            return out
        }

        func nextString() throws -> String { String(decoding: try nextArray(UInt8.self), as: UTF8.self) }

        /// Throws unless every word before the trailer was read and the checksum holds.
        func finish() throws {
            guard consumed == payloadWords, loaded == payloadWords else { throw Problem.damaged("\(payloadWords - consumed) words left over") }
            guard checksum.final == expectedChecksum else { throw Problem.damaged("checksum mismatch") }
        }
    }
}
