import ArgumentParser

/// `--vpdq-exact-luma`, shared by the commands that hash frames.
struct LumaOptions: ParsableArguments {
    @Flag(name: .long, help: ArgumentHelp(
        "Compute PDQ's luma as vPDQ does (YUV→RGB conversion, then 0.299 R + 0.587 G + 0.114 B): vPDQ's hashes bit for bit, slower.",
        discussion: "By default the luma of 8-bit YUV video is read straight from the Y plane (stretched from 16…235 to 0…255 for limited range), which is within a few bits of vPDQ's hashes and spares a colour conversion per frame."))
    var vpdqExactLuma = false
}
