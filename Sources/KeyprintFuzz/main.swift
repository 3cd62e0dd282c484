import Foundation

// Two builds of one target:
//
// - the fuzz build (scripts/fuzz: `-sanitize=fuzzer -DKEYPRINT_FUZZ`, scratch path .build-fuzz):
//   libFuzzer runs LLVMFuzzerTestOneInput (Fuzz.swift) over its corpus. SwiftPM makes this
//   file the program's main (it links executables with main defined as KeyprintFuzz_main,
//   which takes the place of libFuzzer's own main), so this main hands the command line to
//   libFuzzer's driver, as libFuzzer's main would;
// - the normal build (`swift build`): a replayer, `keyprint-fuzz FILE...`, that runs saved
//   inputs (crash-…, corpus files) through the same harness and checks without libFuzzer.
#if KEYPRINT_FUZZ
runLibFuzzer()
#else
let inputs = Array(CommandLine.arguments.dropFirst())
if inputs.isEmpty || inputs.contains("-h") || inputs.contains("--help") {
    print("""
        usage: keyprint-fuzz FILE...
        Runs each file through FileProcessor.process as a scan would (per-file budget \
        KEYPRINT_FUZZ_BUDGET, default 2 s) and checks the outcome; exit 1 when a promise is broken.
        The libFuzzer build of this target is made and run by scripts/fuzz.
        """)
    exit(inputs.isEmpty ? 2 : 0)
}
var failures = 0
for input in inputs {
    guard let data = FileManager.default.contents(atPath: input) else {
        print("\(input): cannot read"); failures += 1; continue
    }
    let (broken, summary) = data.withUnsafeBytes { raw in Harness.run(raw.bindMemory(to: UInt8.self)) }
    if broken.isEmpty { print("\(input): ok (\(summary))") } else {
        failures += 1
        print("\(input): BROKEN (\(summary))\n" + broken.map { "  - " + $0 }.joined(separator: "\n"))
    }
}
exit(failures == 0 ? 0 : 1)
#endif
