import Foundation

/// Small self-contained SVG charts (no scripts, no external fonts): grouped bars and lines with axes,
/// ticks and a legend. Numbers are written with at most 2 decimals so files are stable byte for byte.
///
/// ```swift
/// let svg = SVGChart.bars(title: "LOS/NLOS accuracy", categories: ["gdm", "knn"],
///                         series: [.init(name: "accuracy", values: [0.97, 0.99])], yLabel: "score", yRange: 0 ... 1)
/// try svg.write(toFile: "comparison.svg", atomically: true, encoding: .utf8)
/// ```
public enum SVGChart {
    public struct Series: Sendable, Equatable {
        public var name: String
        public var values: [Double]
        /// A shaded band drawn behind the line (e.g. mean ± one standard deviation across seeds).
        public var bandLower: [Double]?
        public var bandUpper: [Double]?
        public init(name: String, values: [Double], bandLower: [Double]? = nil, bandUpper: [Double]? = nil) {
            self.name = name; self.values = values; self.bandLower = bandLower; self.bandUpper = bandUpper
        }
    }

    /// Colour-blind-safe palette (Okabe–Ito).
    public static let palette = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]

    static let width = 720.0, height = 420.0
    static let left = 70.0, right = 20.0, top = 40.0, bottom = 70.0

    /// Grouped bars: one group per category, one bar per series. `yRange` nil: 0 to the largest value
    /// (rounded up to a nice number). Non-finite values are drawn as missing.
    public static func bars(title: String, categories: [String], series: [Series], yLabel: String,
                            yRange: ClosedRange<Double>? = nil) -> String {
        let finite = series.flatMap(\.values).filter(\.isFinite)
        let range = yRange ?? 0 ... niceCeiling(max(finite.max() ?? 1, 1e-12))
        var svg = header(title: title)
        svg += axes(yRange: range, yLabel: yLabel, xLabel: nil)
        let plotWidth = width - left - right
        let group = plotWidth / Double(max(categories.count, 1))
        let barWidth = group * 0.8 / Double(max(series.count, 1))
        for (c, category) in categories.enumerated() {
            let x0 = left + Double(c) * group + group * 0.1
            for (s, serie) in series.enumerated() where c < serie.values.count && serie.values[c].isFinite {
                let v = min(max(serie.values[c], range.lowerBound), range.upperBound)
                let y = yPosition(v, range), base = yPosition(max(range.lowerBound, 0), range)
                svg += "<rect x=\"\(f(x0 + Double(s) * barWidth))\" y=\"\(f(min(y, base)))\" width=\"\(f(barWidth * 0.92))\" height=\"\(f(abs(base - y)))\" fill=\"\(palette[s % palette.count])\"><title>\(escape(category)) \(escape(serie.name)): \(serie.values[c])</title></rect>\n"
            }
            svg += "<text x=\"\(f(left + (Double(c) + 0.5) * group))\" y=\"\(f(height - bottom + 18))\" text-anchor=\"middle\" font-size=\"13\">\(escape(category))</text>\n"
        }
        svg += legend(series.map(\.name))
        return svg + "</svg>\n"
    }

    /// Lines over a shared x axis (x ascending), each with its band when it has one (a translucent
    /// polygon in the line's colour). `yRange` nil: the data's range (bands included) padded by 5 %.
    /// `markers` draws a dot on every point.
    public static func lines(title: String, x: [Double], series: [Series], xLabel: String, yLabel: String,
                             yRange: ClosedRange<Double>? = nil, markers: Bool = true) -> String {
        let finite = (series.flatMap(\.values) + series.flatMap { ($0.bandLower ?? []) + ($0.bandUpper ?? []) }).filter(\.isFinite)
        var range = yRange ?? (finite.min() ?? 0) ... (finite.max() ?? 1)
        if yRange == nil {
            let pad = max((range.upperBound - range.lowerBound) * 0.05, 1e-9)
            range = (range.lowerBound - pad) ... (range.upperBound + pad)
        }
        let xr = (x.min() ?? 0) ... max(x.max() ?? 1, (x.min() ?? 0) + 1e-12)
        var svg = header(title: title)
        svg += axes(yRange: range, yLabel: yLabel, xLabel: xLabel)
        for tick in ticks(xr) {
            let px = xPosition(tick, xr)
            svg += "<line x1=\"\(f(px))\" y1=\"\(f(height - bottom))\" x2=\"\(f(px))\" y2=\"\(f(height - bottom + 5))\" stroke=\"black\"/>\n"
            svg += "<text x=\"\(f(px))\" y=\"\(f(height - bottom + 18))\" text-anchor=\"middle\" font-size=\"12\">\(label(tick))</text>\n"
        }
        for (s, serie) in series.enumerated() {
            guard let lower = serie.bandLower, let upper = serie.bandUpper else { continue }
            let ok = x.indices.filter { $0 < lower.count && $0 < upper.count && lower[$0].isFinite && upper[$0].isFinite }
            guard ok.count > 1 else { continue }
            let outline = ok.map { "\(f(xPosition(x[$0], xr))),\(f(yPosition(upper[$0], range)))" }
                + ok.reversed().map { "\(f(xPosition(x[$0], xr))),\(f(yPosition(lower[$0], range)))" }
            svg += "<polygon fill=\"\(palette[s % palette.count])\" fill-opacity=\"0.18\" stroke=\"none\" points=\"\(outline.joined(separator: " "))\"/>\n"
        }
        for (s, serie) in series.enumerated() {
            let points = zip(x, serie.values).filter { $0.1.isFinite }
                .map { "\(f(xPosition($0.0, xr))),\(f(yPosition($0.1, range)))" }
            guard !points.isEmpty else { continue }
            let colour = palette[s % palette.count]
            svg += "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\" points=\"\(points.joined(separator: " "))\"/>\n"
            for p in points where markers {
                let xy = p.split(separator: ",")
                svg += "<circle cx=\"\(xy[0])\" cy=\"\(xy[1])\" r=\"3\" fill=\"\(colour)\"/>\n"
            }
        }
        svg += legend(series.map(\.name))
        return svg + "</svg>\n"
    }

    // MARK: Pieces

    static func header(title: String) -> String {
        """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="sans-serif">
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(f(width / 2))" y="24" text-anchor="middle" font-size="16">\(escape(title))</text>

        """
    }

    static func axes(yRange: ClosedRange<Double>, yLabel: String, xLabel: String?) -> String {
        var s = "<line x1=\"\(f(left))\" y1=\"\(f(top))\" x2=\"\(f(left))\" y2=\"\(f(height - bottom))\" stroke=\"black\"/>\n"
        s += "<line x1=\"\(f(left))\" y1=\"\(f(height - bottom))\" x2=\"\(f(width - right))\" y2=\"\(f(height - bottom))\" stroke=\"black\"/>\n"
        for tick in ticks(yRange) {
            let y = yPosition(tick, yRange)
            s += "<line x1=\"\(f(left - 5))\" y1=\"\(f(y))\" x2=\"\(f(width - right))\" y2=\"\(f(y))\" stroke=\"#dddddd\"/>\n"
            s += "<text x=\"\(f(left - 8))\" y=\"\(f(y + 4))\" text-anchor=\"end\" font-size=\"12\">\(label(tick))</text>\n"
        }
        s += "<text transform=\"translate(16,\(f((top + height - bottom) / 2))) rotate(-90)\" text-anchor=\"middle\" font-size=\"13\">\(escape(yLabel))</text>\n"
        if let xLabel {
            s += "<text x=\"\(f((left + width - right) / 2))\" y=\"\(f(height - bottom + 40))\" text-anchor=\"middle\" font-size=\"13\">\(escape(xLabel))</text>\n"
        }
        return s
    }

    static func legend(_ names: [String]) -> String {
        var s = ""
        var x = left
        let y = height - 18
        for (i, name) in names.enumerated() {
            s += "<rect x=\"\(f(x))\" y=\"\(f(y - 10))\" width=\"12\" height=\"12\" fill=\"\(palette[i % palette.count])\"/>\n"
            s += "<text x=\"\(f(x + 16))\" y=\"\(f(y))\" font-size=\"12\">\(escape(name))</text>\n"
            x += 28 + Double(name.count) * 7
        }
        return s
    }

    static func yPosition(_ v: Double, _ r: ClosedRange<Double>) -> Double {
        let span = r.upperBound - r.lowerBound
        return height - bottom - (span > 0 ? (v - r.lowerBound) / span : 0) * (height - bottom - top)
    }

    static func xPosition(_ v: Double, _ r: ClosedRange<Double>) -> Double {
        let span = r.upperBound - r.lowerBound
        return left + (span > 0 ? (v - r.lowerBound) / span : 0) * (width - left - right)
    }

    /// About five round ticks inside `r`.
    static func ticks(_ r: ClosedRange<Double>) -> [Double] {
        let span = r.upperBound - r.lowerBound
        guard span > 0, span.isFinite else { return [r.lowerBound] }
        let raw = span / 5
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? raw
        var t = ceil(r.lowerBound / step) * step
        var out: [Double] = []
        while t <= r.upperBound + step * 1e-9 { out.append(abs(t) < step * 1e-9 ? 0 : t); t += step }
        return out
    }

    static func niceCeiling(_ v: Double) -> Double {
        let magnitude = pow(10, floor(log10(v)))
        return ([1.0, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= v } ?? v)
    }

    static func label(_ v: Double) -> String {
        if v == v.rounded() && abs(v) < 1e9 { return String(Int(v)) }
        let s = String(format: "%.3f", v)
        var t = s
        while t.hasSuffix("0") { t.removeLast() }
        return t.hasSuffix(".") ? String(t.dropLast()) : t
    }

    static func f(_ v: Double) -> String {
        let r = (v * 100).rounded() / 100
        return r == r.rounded() ? String(Int(r)) : String(r)
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
