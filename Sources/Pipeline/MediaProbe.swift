import KeyprintModel
import KeyprintDecode
import KeyprintMatch
import KeyprintStore
import KeyprintExport

/// Decides what a file is when FFmpeg could not give it frames: a video that could not be
/// processed (`failed`, with FFmpeg's words) or something that is not a video (`skipped`,
/// saying what it looks like). Detection is by content: a file is decoded whenever its first
/// bytes are not recognisably something else, whatever its name.
public enum MediaProbe {
    public struct Verdict: Sendable, Equatable {
        public var state: FileState
        public var reason: String
        /// When a failed file is tried again: a timeout by a larger budget, anything else when it changes.
        public var retry: FailureRetry = .whenChanged
    }

    /// For a file not handed to FFmpeg at all (empty, or recognised as a non-media format).
    public static func verdict(withoutDecoding signature: FileSignature) -> Verdict {
        if signature.claimsVideo {
            return Verdict(state: .failed, reason: "named like a video but \(signature.looksLike); nothing to decode")
        }
        return Verdict(state: .skipped, reason: "not a video: \(signature.looksLike)")
    }

    /// For a file FFmpeg could not decode.
    public static func verdict(for error: DecodeError, signature: FileSignature) -> Verdict {
        if case .timedOut(_, let seconds) = error { return Verdict(state: .failed, reason: error.description, retry: .budgetOver(seconds)) }
        if signature.claimsVideo { return Verdict(state: .failed, reason: "\(error.description); the content looks like \(signature.looksLike)") }
        if case .image = signature.kind { return Verdict(state: .failed, reason: "\(signature.looksLike) that could not be decoded: \(error.description)") }
        return Verdict(state: .skipped, reason: "not a video: \(signature.looksLike) (FFmpeg: \(error.description))")
    }
}
