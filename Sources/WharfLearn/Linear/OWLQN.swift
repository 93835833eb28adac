import Foundation

/// Limited-memory quasi-Newton minimiser: L-BFGS for smooth objectives, OWL-QN (orthant-wise) when an L1 term is present.
struct OWLQN {
    var memory = 10
    var maxIterations = 100
    var tolerance = 1e-4

    /// What the solver reached: iterations used, final (pseudo-)gradient max-norm, and whether it met the tolerance.
    struct Result {
        var x: [Double]
        var value: Double
        var iterations: Int
        var gradientNorm: Double
        var converged: Bool
    }

    /// Minimises smooth(x) + sum_j l1[j] * |x_j|; `smooth` returns the value and writes the gradient.
    func minimize(start: [Double], l1: [Double], smooth: (_ x: [Double], _ gradient: inout [Double]) -> Double) -> Result {
        let n = start.count
        var x = start
        var g = [Double](repeating: 0, count: n)
        var f = smooth(x, &g) + l1Term(x, l1)
        var s = [[Double]](), y = [[Double]](), rho = [Double]()
        var pg = pseudoGradient(x, g, l1)
        var iterations = 0
        var gradNorm = pg.map(abs).max() ?? 0
        if gradNorm <= tolerance { return Result(x: x, value: f, iterations: 0, gradientNorm: gradNorm, converged: true) }
        var newG = [Double](repeating: 0, count: n)
        while iterations < maxIterations {
            iterations += 1
            // Two-loop recursion on the pseudo-gradient.
            var d = pg.map { -$0 }
            var alphas = [Double](repeating: 0, count: s.count)
            for i in stride(from: s.count - 1, through: 0, by: -1) {
                alphas[i] = rho[i] * dot(s[i], d)
                for j in 0..<n { d[j] -= alphas[i] * y[i][j] }
            }
            if let lastS = s.last, let lastY = y.last {
                let gamma = dot(lastS, lastY) / dot(lastY, lastY)
                for j in 0..<n { d[j] *= gamma }
            }
            for i in 0..<s.count {
                let beta = rho[i] * dot(y[i], d)
                for j in 0..<n { d[j] += s[i][j] * (alphas[i] - beta) }
            }
            if l1.contains(where: { $0 > 0 }) {
                for j in 0..<n where d[j] * pg[j] >= 0 { d[j] = 0 }
            }
            var directional = dot(d, pg)
            if directional >= 0 {
                // Not a descent direction: restart from steepest descent.
                s.removeAll(); y.removeAll(); rho.removeAll()
                d = pg.map { -$0 }
                directional = dot(d, pg)
            }
            let orthant = (0..<n).map { j in x[j] != 0 ? (x[j] > 0 ? 1.0 : -1.0) : (pg[j] < 0 ? 1.0 : -1.0) }
            var step = s.isEmpty ? min(1, 1 / max(gradNorm, 1e-12)) : 1.0
            var newX = x, newF = f
            var accepted = false
            for _ in 0..<40 {
                for j in 0..<n {
                    var v = x[j] + step * d[j]
                    if l1[j] > 0 && v * orthant[j] < 0 { v = 0 }
                    newX[j] = v
                }
                newF = smooth(newX, &newG) + l1Term(newX, l1)
                var decrease = 0.0
                for j in 0..<n { decrease += pg[j] * (newX[j] - x[j]) }
                if newF <= f + 1e-4 * decrease { accepted = true; break }
                step *= 0.5
            }
            if !accepted { break }
            let sk = (0..<n).map { newX[$0] - x[$0] }
            let yk = (0..<n).map { newG[$0] - g[$0] }
            let sy = dot(sk, yk)
            if sy > 1e-12 {
                s.append(sk); y.append(yk); rho.append(1 / sy)
                if s.count > memory { s.removeFirst(); y.removeFirst(); rho.removeFirst() }
            }
            let relativeDecrease = (f - newF) / max(abs(f), abs(newF), 1)
            x = newX; f = newF; g = newG
            pg = pseudoGradient(x, g, l1)
            gradNorm = pg.map(abs).max() ?? 0
            if gradNorm <= tolerance || relativeDecrease <= 1e-12 {
                return Result(x: x, value: f, iterations: iterations, gradientNorm: gradNorm, converged: true)
            }
        }
        return Result(x: x, value: f, iterations: iterations, gradientNorm: gradNorm, converged: gradNorm <= tolerance)
    }

    private func l1Term(_ x: [Double], _ l1: [Double]) -> Double {
        var sum = 0.0
        for j in x.indices where l1[j] > 0 { sum += l1[j] * abs(x[j]) }
        return sum
    }

    private func pseudoGradient(_ x: [Double], _ g: [Double], _ l1: [Double]) -> [Double] {
        (0..<x.count).map { j in
            let lambda = l1[j]
            if lambda == 0 { return g[j] }
            if x[j] > 0 { return g[j] + lambda }
            if x[j] < 0 { return g[j] - lambda }
            if g[j] + lambda < 0 { return g[j] + lambda }
            if g[j] - lambda > 0 { return g[j] - lambda }
            return 0
        }
    }

    private func dot(_ a: [Double], _ b: [Double]) -> Double {
        var sum = 0.0
        for i in a.indices { sum += a[i] * b[i] }
        return sum
    }
}
