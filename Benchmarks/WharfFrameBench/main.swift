// WharfFrame benchmark: one task per process so peak memory (ru_maxrss) belongs to that task alone.
// Usage: WharfFrameBench read FILE | read-mixed FILE | read-json FILE | groupby-int FILE | groupby-str FILE | join BIG SMALL
// Prints one line: task<TAB>best wall seconds<TAB>peak RSS MiB<TAB>best CPU seconds (all threads)<TAB>check value.
// Timings are the best of 3 runs.
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import WharfFrame

func now() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

func peakMiB() -> Double {
    var u = rusage()
    getrusage(RUSAGE_SELF.rawValue, &u)
    return Double(u.ru_maxrss) / 1024
}

/// User plus system time of all threads so far.
func cpuSeconds() -> Double {
    var u = rusage()
    getrusage(RUSAGE_SELF.rawValue, &u)
    return Double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + Double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6
}

func best(_ runs: Int, _ body: () throws -> String) rethrows -> (wall: Double, cpu: Double, check: String) {
    var fastest = Double.infinity, leastCPU = Double.infinity
    var check = ""
    for _ in 0..<runs {
        let start = now(), cpu = cpuSeconds()
        check = try body()
        fastest = min(fastest, now() - start)
        leastCPU = min(leastCPU, cpuSeconds() - cpu)
    }
    return (fastest, leastCPU, check)
}

let args = CommandLine.arguments
guard args.count >= 3 else {
    FileHandle.standardError.write(Data("usage: WharfFrameBench read|read-mixed|read-json|groupby-int|groupby-str|join FILE [SMALL]\n".utf8))
    exit(64)
}
let task = args[1]
do {
    let result: (wall: Double, cpu: Double, check: String)
    switch task {
    case "read", "read-mixed":
        // Peak memory is taken from a single read before the timed repeats.
        let f = try CSVReader.read(path: args[2])
        let rss = peakMiB()
        let r = try best(3) {
            let g = try CSVReader.read(path: args[2])
            return "\(g.rowCount)x\(g.columnCount)"
        }
        let types = task == "read" ? "" : ", " + f.columns.map { "\($0.name):\($0.type)" }.joined(separator: ",")
        print("\(task)\t\(r.wall)\t\(rss)\t\(r.cpu)\t\(r.check) (\(f.rowCount) rows\(types))")
        exit(0)
    case "read-json":
        let f = try JSONReader.read(path: args[2])
        let rss = peakMiB()
        let r = try best(3) {
            let g = try JSONReader.read(path: args[2])
            return "\(g.rowCount)x\(g.columnCount)"
        }
        print("read-json\t\(r.wall)\t\(rss)\t\(r.cpu)\t\(r.check) (\(f.columnNames.joined(separator: ",")))")
        exit(0)
    case "groupby-int", "groupby-str":
        let f = try CSVReader.read(path: args[2])
        let key = task == "groupby-int" ? "ikey" : "skey"
        result = try best(3) {
            let g = try f.groupBy([key], sort: false).aggregate([Aggregation("v", .count, as: "n"), Aggregation("v", .mean, as: "mean")])
            return "\(g.rowCount) groups"
        }
    case "join":
        guard args.count >= 4 else { throw FrameError(.invalidArgument, "join needs BIG and SMALL files") }
        let big = try CSVReader.read(path: args[2]), small = try CSVReader.read(path: args[3])
        result = try best(3) {
            let j = try big.join(small, on: ["ikey"], kind: .inner)
            return "\(j.rowCount) rows"
        }
    default:
        throw FrameError(.invalidArgument, "unknown task \(task)")
    }
    print("\(task)\t\(result.wall)\t\(peakMiB())\t\(result.cpu)\t\(result.check)")
} catch {
    FileHandle.standardError.write(Data("\(task): \(error)\n".utf8))
    exit(1)
}
