import Foundation
import PropertyBased
import Testing
@testable import WharfFrame

/// Random frames from a seed the property checker draws (and reports when a case fails).
enum RandomFrames {
    static let pieces = ["a", "b", "é", "😀", ",", "\"", "\n", "\r\n", " ", "NA", "1", "2.5", "x y", "漢"]

    static func text(_ rng: inout SeededGenerator) -> String? {
        if Int.random(in: 0..<6, using: &rng) == 0 { return nil }
        if Int.random(in: 0..<10, using: &rng) == 0 { return "" }
        return (0..<Int.random(in: 1...5, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
    }

    static func frame(seed: UInt64, rows: Int) -> DataFrame {
        var rng = SeededGenerator(seed: seed)
        var ints: [Int64?] = [], doubles: [Double?] = [], texts: [String?] = [], bools: [Bool?] = []
        for _ in 0..<rows {
            ints.append(Int.random(in: 0..<5, using: &rng) == 0 ? nil : Int64.random(in: -1_000_000...1_000_000, using: &rng))
            let d = Double.random(in: -1e6...1e6, using: &rng) * pow(10, Double(Int.random(in: -8...8, using: &rng)))
            doubles.append(Int.random(in: 0..<5, using: &rng) == 0 ? nil : d)
            texts.append(text(&rng))
            bools.append(Int.random(in: 0..<5, using: &rng) == 0 ? nil : Bool.random(using: &rng))
        }
        return try! DataFrame([Column("i", ints), Column("d", doubles), Column("s", texts), Column("b", bools)])
    }
}

@Suite struct PropertyTests {
    @Test func csvRoundTripKeepsEveryValue() async {
        await propertyCheck(count: 40, input: Gen.int(in: 0...Int(Int32.max))) { seed in
            let f = RandomFrames.frame(seed: UInt64(seed), rows: Int(seed % 40) + 1)
            var options = CSVOptions()
            options.schema = ["i": .int64, "d": .double, "s": .string, "b": .bool]
            var write = CSVWriter.Options()
            write.lineEnding = seed % 2 == 0 ? "\n" : "\r\n"
            let back = try CSVReader(source: MemoryByteSource(CSVWriter.bytes(f, options: write)), options: options).readAll()
            #expect(back.rowCount == f.rowCount)
            #expect(back["i"].values == f["i"].values)
            #expect(back["d"].values == f["d"].values)
            #expect(back["s"].strings() == f["s"].strings())
            #expect(back["b"].values == f["b"].values)
        }
    }

    @Test func groupByMatchesNaiveReference() async {
        await propertyCheck(count: 40, input: Gen.int(in: 0...Int(Int32.max))) { seed in
            var rng = SeededGenerator(seed: UInt64(seed))
            let n = Int.random(in: 1...300, using: &rng)
            let keys: [Int64?] = (0..<n).map { _ in Int.random(in: 0..<8, using: &rng) == 0 ? nil : Int64.random(in: 0...12, using: &rng) }
            let tags: [String?] = (0..<n).map { _ in ["p", "q", nil].randomElement(using: &rng)! }
            let xs: [Double?] = (0..<n).map { _ in Int.random(in: 0..<6, using: &rng) == 0 ? nil : Double(Int.random(in: -50...50, using: &rng)) }
            let f = try DataFrame([Column("k", keys), Column("t", tags), Column("x", xs)])
            let g = try f.groupBy(["k", "t"]).aggregate([
                Aggregation("x", .sum), Aggregation("x", .count), Aggregation("x", .mean), Aggregation("x", .max), Aggregation("k", .size),
            ])
            struct Key: Hashable { var k: Int64; var t: String }
            var sums: [Key: Double] = [:], counts: [Key: Int64] = [:], sizes: [Key: Int64] = [:], maxes: [Key: Double] = [:]
            for i in 0..<n {
                guard let k = keys[i], let t = tags[i] else { continue }
                let key = Key(k: k, t: t)
                sizes[key, default: 0] += 1
                if let x = xs[i] {
                    sums[key, default: 0] += x
                    counts[key, default: 0] += 1
                    maxes[key] = max(maxes[key] ?? x, x)
                }
            }
            #expect(g.rowCount == sizes.count)
            var previous: (Int64, String)? = nil
            for r in 0..<g.rowCount {
                guard case .int(let k) = g["k"][r], case .string(let t) = g["t"][r] else { Issue.record("null key in output"); continue }
                if let p = previous { #expect(p.0 < k || (p.0 == k && p.1 < t), "groups are sorted by key") }
                previous = (k, t)
                let key = Key(k: k, t: t)
                #expect(g["x_sum"][r] == .double(sums[key] ?? 0))
                #expect(g["x_count"][r] == .int(counts[key] ?? 0))
                #expect(g["k_size"][r] == .int(sizes[key]!))
                #expect(g["x_max"][r] == (maxes[key].map(Value.double) ?? .null))
                if let c = counts[key] { #expect(g["x_mean"][r] == .double(sums[key]! / Double(c))) } else { #expect(g["x_mean"][r] == .null) }
            }
        }
    }

    @Test func joinsMatchNaiveReference() async {
        await propertyCheck(count: 40, input: Gen.int(in: 0...Int(Int32.max))) { seed in
            var rng = SeededGenerator(seed: UInt64(seed))
            let ln = Int.random(in: 0...60, using: &rng), rn = Int.random(in: 1...60, using: &rng)
            // Odd seeds spread the keys far apart, so the hash table path runs instead of the dense array.
            let scale: Int64 = seed % 2 == 1 ? 1_000_000_007_000 : 1
            let lk: [Int64?] = (0..<ln).map { _ in Int.random(in: 0..<10, using: &rng) == 0 ? nil : Int64.random(in: 0...15, using: &rng) * scale }
            let rk: [Int64?] = (0..<rn).map { _ in Int.random(in: 0..<10, using: &rng) == 0 ? nil : Int64.random(in: 0...15, using: &rng) * scale }
            let left = try DataFrame([Column("k", lk), Column("l", (0..<ln).map { Int64($0) })])
            let right = try DataFrame([Column("k", rk), Column("r", (0..<rn).map { Int64($0) })])
            for kind in [JoinKind.inner, .left, .right, .outer] {
                let j = try left.join(right, on: ["k"], kind: kind)
                var expected: [String] = []
                var rightMatched = Set<Int>()
                for a in 0..<ln {
                    var any = false
                    for b in 0..<rn where lk[a] != nil && lk[a] == rk[b] {
                        expected.append("\(lk[a]!)|\(a)|\(b)"); any = true; rightMatched.insert(b)
                    }
                    if !any && (kind == .left || kind == .outer) { expected.append("\(lk[a].map(String.init) ?? "null")|\(a)|null") }
                }
                if kind == .right || kind == .outer {
                    for b in 0..<rn where !rightMatched.contains(b) { expected.append("\(rk[b].map(String.init) ?? "null")|null|\(b)") }
                }
                let got = (0..<j.rowCount).map { "\(j["k"][$0])|\(j["l"][$0])|\(j["r"][$0])" }
                #expect(got.sorted() == expected.sorted(), "\(kind)")
            }
        }
    }
}
