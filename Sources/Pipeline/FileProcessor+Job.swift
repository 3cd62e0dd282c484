import KeyprintStore

extension FileProcessor.Job {
    /// A job for one file not yet known to the case (nothing to verify against), for callers
    /// outside the pipeline that run files through `FileProcessor.process` as the scan does
    /// (the KeyprintFuzz harness).
    public init(fileID: Int64, relativePath: String, stamp: FileStamp) {
        self.init(fileID: fileID, relativePath: relativePath, stamp: stamp, verifyAgainst: nil)
    }
}
