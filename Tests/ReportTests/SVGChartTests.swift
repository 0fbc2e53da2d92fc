import Foundation
import Report
import Testing

@Suite("SVG charts")
struct SVGChartTests {
    @Test("grouped bars: one rect per finite value, heights proportional to the values on a 0…1 axis")
    func bars() throws {
        let svg = SVGChart.bars(title: "a <b>", categories: ["gdm", "knn", "empirical"],
                                series: [.init(name: "accuracy", values: [1, 0.5, .nan]), .init(name: "F1", values: [0.25, 0, 1])],
                                yLabel: "score", yRange: 0 ... 1)
        let rects = svg.components(separatedBy: "<rect x=").count - 1
        #expect(rects == 5 + 2)                // 5 finite bars + 2 legend swatches
        #expect(svg.contains("a &lt;b&gt;"))
        // Plot height 420 − 40 − 70 = 310 px: the value 1 is 310 px tall, 0.5 is 155, 0.25 is 77.5.
        #expect(svg.contains("height=\"310\""))
        #expect(svg.contains("height=\"155\""))
        #expect(svg.contains("height=\"77.5\""))
        #expect(svg.hasPrefix("<svg") && svg.hasSuffix("</svg>\n"))
        // Ticks on the 0…1 axis: 0, 0.2, …, 1.
        for t in ["0", "0.2", "0.4", "0.6", "0.8", "1"] { #expect(svg.contains(">\(t)</text>")) }
    }

    @Test("lines: one polyline per series through the points; same input, same bytes")
    func lines() {
        let make = {
            SVGChart.lines(title: "RMSE", x: [0, 1, 2, 3], series: [.init(name: "iterate", values: [1, 0.8, 0.7, 0.65])],
                           xLabel: "step", yLabel: "RMSE", yRange: 0.5 ... 1)
        }
        let svg = make()
        #expect(svg.components(separatedBy: "<polyline").count - 1 == 1)
        #expect(svg.components(separatedBy: "<circle").count - 1 == 4)
        // x: 70 … 700 px over 0 … 3; y: value 1 at the top (40), 0.5 at the bottom (350).
        #expect(svg.contains("points=\"70,40 280,164 490,226 700,257\""))
        #expect(make() == svg)
    }

    @Test("bands: one translucent polygon per banded series, upper edge left to right then lower edge back")
    func bands() {
        let svg = SVGChart.lines(title: "reward", x: [0, 1, 2, 3],
                                 series: [.init(name: "a", values: [0.7, 0.7, 0.7, 0.7], bandLower: [0.5, 0.5, 0.6, 0.6],
                                                bandUpper: [1, 0.9, 0.8, 0.8]),
                                          .init(name: "b", values: [0.6, 0.6, 0.6, 0.6])],
                                 xLabel: "steps", yLabel: "return", yRange: 0.5 ... 1, markers: false)
        #expect(svg.components(separatedBy: "<polygon").count - 1 == 1)
        #expect(svg.components(separatedBy: "<polyline").count - 1 == 2)
        #expect(svg.components(separatedBy: "<circle").count - 1 == 0)
        // Same mapping as above: y 1 → 40 px, 0.5 → 350 px, 0.9 → 102, 0.8 → 164, 0.6 → 288.
        #expect(svg.contains("points=\"70,40 280,102 490,164 700,164 700,288 490,288 280,350 70,350\""))
    }
}
