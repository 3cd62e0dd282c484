
/// Where a file stands in the case database.
public enum FileState: String, Sendable, CaseIterable, Codable {
    /// Found by a walk, not processed yet.
    case pending
    /// A worker took it; a file left `running` by a killed process goes back to `pending`.
    case running
    /// Hashed and its frames stored.
    case done
    /// Looked like a video (extension or content) but could not be processed; `error` says why.
    case failed
    /// Not a video, or not a regular file; `error` says what it is.
    case skipped
}
