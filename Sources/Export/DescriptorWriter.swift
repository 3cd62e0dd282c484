#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes bytes to a file descriptor with `write(2)`, retrying short writes and `EINTR`, and
/// reports any other failure as `ExportError.io` with its `errno`. Foundation's
/// `FileHandle.write(_:)` traps on `ENOSPC` or `EPIPE` on Linux instead (a full disk must
/// not crash Keyprint). The descriptor is borrowed: the writer never closes it.
public struct DescriptorWriter: Sendable {
    public let descriptor: Int32
    /// What the descriptor is, for error messages: a path or "standard output".
    public let name: String

    public init(descriptor: Int32, name: String) {
        self.descriptor = descriptor
        self.name = name
    }

    public static let standardOutput = DescriptorWriter(descriptor: STDOUT_FILENO, name: "standard output")
    public static let standardError = DescriptorWriter(descriptor: STDERR_FILENO, name: "standard error")

    public func write(_ text: String) throws(ExportError) {
        var text = text
        var failure: ExportError?
        text.withUTF8 { bytes in
            do throws(ExportError) { try write(UnsafeRawBufferPointer(bytes)) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws(ExportError) {
        guard var next = bytes.baseAddress else { return }
        var left = bytes.count
        while left > 0 {
            #if canImport(Glibc)
            let written = Glibc.write(descriptor, next, left)
            #else
            let written = Darwin.write(descriptor, next, left)
            #endif
            if written < 0 {
                if errno == EINTR { continue }
                throw .io(path: name, operation: "write", code: errno)
            }
            next += written
            left -= written
        }
    }
}
