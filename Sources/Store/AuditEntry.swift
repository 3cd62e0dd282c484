import Foundation

/// One line of the audit trail: what happened, when, under which scan.
public struct AuditEntry: Sendable, Equatable {
    public var id: Int64
    public var time: Date
    public var scanID: Int64?
    public var event: String
    public var fileID: Int64?
    public var detail: String?
}

/// Events written to the audit trail.
public enum AuditEvent {
    public static let scanStarted = "scan-started"
    public static let scanEnded = "scan-ended"
    public static let fileDone = "file-done"
    public static let fileFailed = "file-failed"
    public static let fileSkipped = "file-skipped"
    public static let fileChanged = "file-changed"
    public static let filesRecovered = "files-recovered"

    static func forState(_ state: FileState) -> String {
        switch state {
        case .done: return fileDone
        case .failed: return fileFailed
        default: return fileSkipped
        }
    }
}
