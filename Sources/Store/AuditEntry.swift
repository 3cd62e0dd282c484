import Foundation

/// One line of the audit trail: what happened, when, under which scan.
public struct AuditEntry: Sendable, Equatable {
    public var id: Int64
    public var time: Date
    public var scanID: Int64?
    public var event: String
    public var fileID: Int64?
    public var detail: String?

    public init(id: Int64, time: Date, scanID: Int64?, event: String, fileID: Int64?, detail: String?) {
        self.id = id; self.time = time; self.scanID = scanID; self.event = event; self.fileID = fileID; self.detail = detail
    }
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

    public static func forState(_ state: FileState) -> String {
        switch state {
        case .done: return fileDone
        case .failed: return fileFailed
        default: return fileSkipped
        }
    }
}
