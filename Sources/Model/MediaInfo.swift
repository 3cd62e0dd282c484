import Foundation

/// Facts about a media file's container and chosen video stream.
public struct MediaInfo: Sendable, Equatable {
    public var container: String
    public var codec: String
    /// Coded dimensions of the video stream.
    public var width: Int
    public var height: Int
    /// Dimensions as displayed: sample aspect ratio and rotation applied.
    public var displayWidth: Int
    public var displayHeight: Int
    /// Clockwise rotation (0, 90, 180, 270) applied to frames so that they hash upright.
    public var rotation: Int
    public var pixelFormat: String
    /// Seconds, from the stream or the container; nil when unknown.
    public var duration: Double?
    /// The container's `creation_time` tag, when present.
    public var creationTime: Date?
    /// True for still images (JPEG, PNG, …) that decode as one frame.
    public var isStillImage: Bool

    public init(container: String, codec: String, width: Int, height: Int, displayWidth: Int, displayHeight: Int,
                rotation: Int, pixelFormat: String, duration: Double?, creationTime: Date?, isStillImage: Bool) {
        self.container = container; self.codec = codec; self.width = width; self.height = height
        self.displayWidth = displayWidth; self.displayHeight = displayHeight; self.rotation = rotation
        self.pixelFormat = pixelFormat; self.duration = duration; self.creationTime = creationTime
        self.isStillImage = isStillImage
    }

    /// These facts, with the picture size taken from the first decoded frame (upright, as
    /// hashed) where the stream's header gave none (a damaged or headerless stream reports
    /// 0×0 until its first frame is decoded).
    public func withSize(ofFirstFrame upright: (width: Int, height: Int)?) -> MediaInfo {
        guard let upright, width <= 0 || height <= 0 else { return self }
        var facts = self
        let turned = rotation == 90 || rotation == 270
        facts.width = turned ? upright.height : upright.width
        facts.height = turned ? upright.width : upright.height
        facts.displayWidth = upright.width
        facts.displayHeight = upright.height
        return facts
    }
}
