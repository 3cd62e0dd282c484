import ArgumentParser

/// `--vpdq-exact-luma`, shared by the commands that hash frames.
struct LumaOptions: ParsableArguments {
    @Flag(name: .long, help: ArgumentHelp(
        "Compute PDQ's luma as vPDQ does (YUV→RGB conversion, then 0.299 R + 0.587 G + 0.114 B), also for --all-frames and --every under 1 s: vPDQ's hashes bit for bit, slower.",
        discussion: "Sampling of one frame a second or sparser always does so. Denser sampling by default reads the luma of 8-bit YUV video straight from the Y plane (stretched from 16…235 to 0…255 for limited range): within a few bits of vPDQ's hashes, and it spares a colour conversion per frame."))
    var vpdqExactLuma = false

    /// The choice for `DecodeOptions`/`ScanSettings`: true when asked for, else their default.
    var exact: Bool? { vpdqExactLuma ? true : nil }
}
