/// Exact k-nearest-neighbour search by blocked brute force over column-major standardised points (cache- and SIMD-friendly).
struct NeighborSearch {
    let count: Int
    let dimensions: Int
    /// `points[d * count + i]`.
    let points: [Float]

    /// Queries per tile: each tile keeps `queryTile x 8` squared distances in registers while it runs over the dimensions.
    private static let queryTile = 4

    /// For every point, the indices of its k nearest other points (nearest first, ties by index), as `k` per row.
    ///
    /// Each pair's distance is computed once (a query tile runs only over later points) and offered to both points' lists.
    /// A list keeps the k smallest (distance, index) pairs, so the answer does not depend on the order pairs arrive in; each
    /// part keeps its own lists and they are merged at the end, so no list is shared between threads.
    func nearestNeighbors(k: Int, threads: Int) -> [Int32] {
        let m = count, d = dimensions, tile = Self.queryTile
        var result = [Int32](repeating: 0, count: m * k)
        guard m > 0 else { return result }
        let tiles = (m + tile - 1) / tile
        let parts = m < 512 ? 1 : max(1, min(threads, tiles))
        let listDistance = UnsafeMutablePointer<Float>.allocate(capacity: parts * m * k)
        let listIndex = UnsafeMutablePointer<Int32>.allocate(capacity: parts * m * k)
        // The current k-th distance of every point's list, contiguous so eight points are checked at once.
        let worstDistance = UnsafeMutablePointer<Float>.allocate(capacity: parts * m)
        defer { listDistance.deallocate(); listIndex.deallocate(); worstDistance.deallocate() }
        listDistance.initialize(repeating: .infinity, count: parts * m * k)
        listIndex.initialize(repeating: .max, count: parts * m * k)
        worstDistance.initialize(repeating: .infinity, count: parts * m)
        points.withUnsafeBufferPointer { pointBuffer in
            let base = pointBuffer.baseAddress!
            Parallel.forEach(parts, threads: threads) { part in
                let bestDistance = listDistance + part * m * k, bestIndex = listIndex + part * m * k
                let worst = worstDistance + part * m
                /// Offers (dist, j) to point p's list, keeping the k smallest pairs in (distance, index) order.
                @inline(__always) func offer(_ p: Int, _ dist: Float, _ j: Int32) {
                    let o = p * k
                    let lastDistance = bestDistance[o + k - 1]
                    guard dist < lastDistance || (dist == lastDistance && j < bestIndex[o + k - 1]) else { return }
                    var position = k - 1
                    while position > 0 {
                        let before = bestDistance[o + position - 1]
                        guard before > dist || (before == dist && bestIndex[o + position - 1] > j) else { break }
                        bestDistance[o + position] = before
                        bestIndex[o + position] = bestIndex[o + position - 1]
                        position -= 1
                    }
                    bestDistance[o + position] = dist
                    bestIndex[o + position] = j
                    worst[p] = bestDistance[o + k - 1]
                }
                // Distances of `tile` queries to the points from the tile's 8-aligned start on, one row of `m` per query.
                let width = (m + 7) & ~7
                let distances = UnsafeMutablePointer<Float>.allocate(capacity: tile * width)
                let queries = UnsafeMutablePointer<Float>.allocate(capacity: tile * max(d, 1))
                defer { distances.deallocate(); queries.deallocate() }
                // Tiles dealt out back and forth so every part gets a like share of the triangle's long and short rows.
                let round = 2 * parts
                var t0 = 0
                while t0 < tiles {
                    for t in [t0 + part, t0 + round - 1 - part] where t < tiles {
                        let first = t * tile, live = min(tile, m - first)
                        let start = first & ~7
                        for q in 0..<tile { for dim in 0..<d { queries[q * d + dim] = base[dim * m + first + (q < live ? q : 0)] } }
                        var j = start
                        while j + 8 <= m {
                            var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a2 = SIMD8<Float>(), a3 = SIMD8<Float>()
                            for dim in 0..<d {
                                let column = UnsafeRawPointer(base + dim * m + j).loadUnaligned(as: SIMD8<Float>.self)
                                let t0 = SIMD8(repeating: queries[dim]) - column, t1 = SIMD8(repeating: queries[d + dim]) - column
                                let t2 = SIMD8(repeating: queries[2 * d + dim]) - column, t3 = SIMD8(repeating: queries[3 * d + dim]) - column
                                a0 += t0 * t0; a1 += t1 * t1; a2 += t2 * t2; a3 += t3 * t3
                            }
                            UnsafeMutableRawPointer(distances + j).storeBytes(of: a0, as: SIMD8<Float>.self)
                            UnsafeMutableRawPointer(distances + width + j).storeBytes(of: a1, as: SIMD8<Float>.self)
                            UnsafeMutableRawPointer(distances + 2 * width + j).storeBytes(of: a2, as: SIMD8<Float>.self)
                            UnsafeMutableRawPointer(distances + 3 * width + j).storeBytes(of: a3, as: SIMD8<Float>.self)
                            j += 8
                        }
                        while j < m {
                            for q in 0..<tile {
                                var s: Float = 0
                                for dim in 0..<d {
                                    let x = queries[q * d + dim] - base[dim * m + j]
                                    s += x * x
                                }
                                distances[q * width + j] = s
                            }
                            j += 1
                        }
                        for q in 0..<live {
                            let row = distances + q * width, i = first + q, index = Int32(i)
                            var j = i + 1
                            // Up to the next multiple of 8 one at a time, then eight at once with a cheap reject, then the tail.
                            while j < m && j & 7 != 0 {
                                offer(i, row[j], Int32(j)); offer(j, row[j], index); j += 1
                            }
                            while j + 8 <= m {
                                let block = UnsafeRawPointer(row + j).loadUnaligned(as: SIMD8<Float>.self)
                                let theirs = UnsafeRawPointer(worst + j).loadUnaligned(as: SIMD8<Float>.self)
                                let mine = SIMD8<Float>(repeating: worst[i])
                                if any((block .<= mine) .| (block .<= theirs)) {
                                    for l in 0..<8 { offer(i, block[l], Int32(j + l)); offer(j + l, block[l], index) }
                                }
                                j += 8
                            }
                            while j < m {
                                offer(i, row[j], Int32(j)); offer(j, row[j], index); j += 1
                            }
                        }
                    }
                    t0 += round
                }
            }
        }
        // Merge the parts' lists: the k smallest (distance, index) pairs over all of them; a point with fewer than k others
        // pads with itself.
        result.withUnsafeMutableBufferPointer { out in
            let bestDistance = UnsafeMutablePointer<Float>.allocate(capacity: k)
            let bestIndex = UnsafeMutablePointer<Int32>.allocate(capacity: k)
            defer { bestDistance.deallocate(); bestIndex.deallocate() }
            for p in 0..<m {
                for s in 0..<k { bestDistance[s] = listDistance[p * k + s]; bestIndex[s] = listIndex[p * k + s] }
                for part in 1..<max(parts, 1) {
                    let o = part * m * k + p * k
                    for s in 0..<k {
                        let dist = listDistance[o + s], j = listIndex[o + s]
                        guard dist < bestDistance[k - 1] || (dist == bestDistance[k - 1] && j < bestIndex[k - 1]) else { break }
                        var position = k - 1
                        while position > 0
                            && (bestDistance[position - 1] > dist || (bestDistance[position - 1] == dist && bestIndex[position - 1] > j)) {
                            bestDistance[position] = bestDistance[position - 1]
                            bestIndex[position] = bestIndex[position - 1]
                            position -= 1
                        }
                        bestDistance[position] = dist
                        bestIndex[position] = j
                    }
                }
                for s in 0..<k { out[p * k + s] = bestIndex[s] == .max ? Int32(p) : bestIndex[s] }
            }
        }
        return result
    }
}
