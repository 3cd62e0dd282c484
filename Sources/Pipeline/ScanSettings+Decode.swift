import KeyprintDecode
import KeyprintModel
import KeyprintMatch
import KeyprintStore
import KeyprintExport

extension ScanSettings {
    /// How each file of a scan with these settings is decoded (one decoder thread: files run in parallel).
    public var decodeOptions: DecodeOptions {
        let luma: (width: Int, height: Int)? = (lumaWidth != nil && lumaHeight != nil) ? (lumaWidth!, lumaHeight!) : nil
        return DecodeOptions(sampling: samplingMode, lumaSize: luma, timeBudget: timeBudget, threads: 1, exactVPDQLuma: exactVPDQLuma)
    }
}
