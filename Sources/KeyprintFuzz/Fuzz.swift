#if KEYPRINT_FUZZ
import Foundation
import CLibFuzzer

/// libFuzzer's entry, in the fuzz build only (scripts/fuzz). An input that breaks a promise
/// aborts, and libFuzzer saves it as crash-<sha1> in its artifact folder.
@_cdecl("LLVMFuzzerTestOneInput")
public func keyprintFuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let (broken, summary) = Harness.run(UnsafeBufferPointer(start: data, count: size))
    if !broken.isEmpty { Harness.fail(broken, input: "a \(size)-byte input (\(summary))") }
    return 0
}

/// What libFuzzer's own main does: hand the command line to its driver. (In this file, beside
/// the entry it passes: referring to a @_cdecl function from another file emits its C thunk
/// there too, a second definition of LLVMFuzzerTestOneInput.)
func runLibFuzzer() -> Never {
    var count = CommandLine.argc
    var vector: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    exit(LLVMFuzzerRunDriver(&count, &vector, keyprintFuzzOne))
}
#endif
