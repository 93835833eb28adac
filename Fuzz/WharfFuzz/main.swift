import CWharfFuzz
import Foundation

// The fuzz binary: `WharfFuzz TARGET [libFuzzer flags] [corpus folders]` (scripts/fuzz runs it).
// The target name is passed on to libFuzzer's own child runs (-minimize_crash, -merge) through
// WHARF_FUZZ_TARGET, since libFuzzer re-executes the binary with the flags it was given.

let targets: [FuzzTarget] = [
    CSVTarget.target, JSONTarget.target, JSONLinesTarget.target, ASLTarget.target, JSONPathTarget.target,
    JSONataTarget.target, IntrinsicTarget.target, SigV4Target.target, AWSChunkedTarget.target, S3XMLTarget.target,
    MLflowRequestTarget.target, ModelFileTarget.target, RunFilterTarget.target,
]

var arguments = CommandLine.arguments
if arguments.count > 1, let named = targets.first(where: { $0.name == arguments[1] }) {
    setenv("WHARF_FUZZ_TARGET", named.name, 1)
    arguments.remove(at: 1)
}
guard let name = ProcessInfo.processInfo.environment["WHARF_FUZZ_TARGET"], let chosen = targets.first(where: { $0.name == name }) else {
    var usage = "usage: WharfFuzz TARGET [libFuzzer flags] [corpus folders]\ntargets:\n"
    for t in targets { usage += "  \(t.name.padding(toLength: 12, withPad: " ", startingAt: 0)) \(t.summary)\n" }
    FileHandle.standardError.write(Data(usage.utf8))
    exit(64)
}
selectedTarget = chosen

var argc = Int32(arguments.count)
var cArguments: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
let status = cArguments.withUnsafeMutableBufferPointer { buffer -> Int32 in
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = buffer.baseAddress
    return LLVMFuzzerRunDriver(&argc, &argv) { data, size in
        selectedTarget.run(UnsafeBufferPointer(start: data, count: size))
        return 0
    }
}
exit(status)
