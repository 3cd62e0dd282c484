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

/// MD5, SHA-1 and SHA-256 of a file in one read pass. The file is opened read-only, without
/// following a final symbolic link, and with O_NOATIME where the system allows it (so that
/// reading does not even move the access time).
public enum CustodyHasher {
    public struct Result: Sendable, Equatable {
        public var digests: CustodyDigests
        /// Bytes read (the size at the time of reading).
        public var size: Int64
        /// The first bytes of the file, for recognising its format.
        public var head: [UInt8]
    }

    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public var function: String
        public var code: Int32
        public var description: String { "cannot read the file (\(function)): \(String(cString: strerror(code)))" }
    }

    public static let headLength = 4096

    public static func hash(path: String, chunkSize: Int = 1 << 20, shouldStop: () -> Bool = { false }) throws -> Result {
        let fd = try openReadOnly(path)
        defer { close(fd) }
        var md5 = Insecure.MD5()
        var sha1 = Insecure.SHA1()
        var sha256 = SHA256()
        var head: [UInt8] = []
        var total: Int64 = 0
        var buffer = [UInt8](repeating: 0, count: chunkSize)
        while true {
            if shouldStop() { throw CancellationError() }
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, chunkSize) }
            if count < 0 {
                if errno == EINTR { continue }
                throw Failure(function: "read", code: errno)
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
        }
        return Result(digests: CustodyDigests(md5: hex(md5.finalize()), sha1: hex(sha1.finalize()), sha256: hex(sha256.finalize())),
                      size: total, head: head)
    }

    /// Digests of bytes in memory (for tests and small inputs).
    public static func digests(of data: [UInt8]) -> CustodyDigests {
        CustodyDigests(md5: hex(Insecure.MD5.hash(data: data)), sha1: hex(Insecure.SHA1.hash(data: data)),
                       sha256: hex(SHA256.hash(data: data)))
    }

    #if os(Linux)
    /// O_NOATIME from <asm-generic/fcntl.h> (the same on x86_64 and aarch64); Glibc only
    /// exposes it under _GNU_SOURCE, which Swift's import does not define.
    static let noAccessTime: Int32 = 0o1000000
    #endif

    static func openReadOnly(_ path: String) throws -> Int32 {
        #if os(Linux)
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | noAccessTime)
        if fd >= 0 { return fd }
        // O_NOATIME is refused (EPERM) unless we own the file or are privileged.
        guard errno == EPERM else { throw Failure(function: "open", code: errno) }
        #endif
        let plain = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        if plain < 0 { throw Failure(function: "open", code: errno) }
        return plain
    }

    static func hex(_ digest: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in digest { out.append(digits[Int(byte >> 4)]); out.append(digits[Int(byte & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }
}
