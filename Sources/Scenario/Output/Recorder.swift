import Foundation
import SimCore

/// Writes access.csv, handovers.csv and links.csv into a run's staging folder as the run goes,
/// and keeps the running statistics summary.json needs.
///
/// Columns use SI units in their names (DESIGN.md); times are seconds since the scenario epoch
/// plus an ISO 8601 UTC column for people.
final class Recorder {
    let linksInterval: SimTime
    private let accessFile: CSVWriter?
    private let handoverFile: CSVWriter?
    private let linksFile: CSVWriter?
    /// The link-state trace being recorded, if any (outputs.trace or --record-trace).
    let trace: LinkStateTraceWriter?
    let traceInterval: SimTime
    let traceScope: TraceScope

    private(set) var accessWindows = 0
    private(set) var handoverRecords = 0
    private(set) var linkSamples = 0
    /// Per link class: samples, Σ SNR (dB), Σ Shannon (bit/s), Σ DVB-S2X (bit/s), samples with no MODCOD.
    private(set) var linkStats: [LinkStats]

    struct LinkStats {
        var samples = 0
        var snrSumDb = 0.0
        var shannonSumBps = 0.0
        var dvbs2xSumBps = 0.0
        var capacitySumBps = 0.0
        var belowLowestModcod = 0
    }

    static let accessHeader = ["node", "peer", "link_type", "start_s", "end_s", "duration_s", "max_elevation_deg",
                               "start_utc", "end_utc", "start_truncated", "end_truncated"]
    static let handoverHeader = ["time_s", "time_utc", "node", "from", "to", "link_type", "reason"]
    static let linksHeader = ["time_s", "node", "peer", "link_type", "elevation_deg", "azimuth_deg", "range_m",
                              "free_space_loss_db", "extra_loss_db", "los_probability", "eirp_dbw", "rx_power_dbw",
                              "cn0_dbhz", "snr_db", "shannon_bps", "modcod", "dvbs2x_bps", "capacity_bps", "delay_s"]

    init(folder: String, outputs: OutputSpec, linkClasses: Int, trace: LinkStateTraceWriter? = nil) throws {
        linksInterval = outputs.linksInterval
        self.trace = trace
        traceInterval = outputs.traceInterval ?? outputs.linksInterval
        traceScope = outputs.traceLinks
        accessFile = outputs.writeAccess ? try CSVWriter(path: folder + "/access.csv", header: Self.accessHeader) : nil
        handoverFile = outputs.writeHandovers ? try CSVWriter(path: folder + "/handovers.csv", header: Self.handoverHeader) : nil
        linksFile = outputs.writeLinks ? try CSVWriter(path: folder + "/links.csv", header: Self.linksHeader) : nil
        linkStats = .init(repeating: LinkStats(), count: linkClasses)
    }

    func access(node: String, peer: String, linkType: String, start: SimTime, end: SimTime, maxElevationDeg: Double,
                epoch: UTCInstant, startTruncated: Bool, endTruncated: Bool) {
        accessWindows += 1
        guard let w = accessFile else { return }
        w.field(node); w.field(peer); w.field(linkType)
        w.field(start.seconds, decimals: 6); w.field(end.seconds, decimals: 6); w.field((end - start).seconds, decimals: 6)
        w.field(maxElevationDeg, decimals: 3)
        w.field(Recorder.iso(epoch + start)); w.field(Recorder.iso(epoch + end))
        w.field(startTruncated); w.field(endTruncated)
        w.endRow()
    }

    func handover(at t: SimTime, epoch: UTCInstant, node: String, from: String?, to: String?, linkType: String,
                  reason: HandoverReason) {
        handoverRecords += 1
        guard let w = handoverFile else { return }
        w.field(t.seconds, decimals: 6); w.field(Recorder.iso(epoch + t)); w.field(node)
        if let from { w.field(from) } else { w.emptyField() }
        if let to { w.field(to) } else { w.emptyField() }
        w.field(linkType); w.field(reason.rawValue)
        w.endRow()
    }

    func link(at t: SimTime, node: String, peer: String, linkClass: Int, linkType: String, evaluation e: LinkEvaluation) {
        linkSamples += 1
        linkStats[linkClass].samples += 1
        linkStats[linkClass].snrSumDb += e.budget.snrDb
        linkStats[linkClass].shannonSumBps += e.budget.shannonCapacityBps
        linkStats[linkClass].dvbs2xSumBps += e.budget.dvbs2xCapacityBps
        linkStats[linkClass].capacitySumBps += e.capacityBps
        if e.budget.modcod == nil { linkStats[linkClass].belowLowestModcod += 1 }
        guard let w = linksFile else { return }
        w.field(t.seconds, decimals: 3); w.field(node); w.field(peer); w.field(linkType)
        w.field(e.geometry.elevationDeg, decimals: 4); w.field(e.geometry.azimuthDeg, decimals: 4)
        w.field(e.geometry.slantRangeMeters, decimals: 1)
        w.field(e.channel.freeSpaceLossDb, decimals: 3); w.field(e.channel.extraLossDb, decimals: 3)
        w.field(e.channel.losProbability, decimals: 4)
        w.field(e.budget.eirpDbw, decimals: 3); w.field(e.budget.rxPowerDbw, decimals: 3)
        w.field(e.budget.cn0DbHz, decimals: 3); w.field(e.budget.snrDb, decimals: 3)
        w.field(e.budget.shannonCapacityBps, decimals: 0)
        if let m = e.budget.modcod { w.field(m.name) } else { w.emptyField() }
        w.field(e.budget.dvbs2xCapacityBps, decimals: 0)
        w.field(e.capacityBps, decimals: 0); w.field(e.delaySeconds, decimals: 9)
        w.endRow()
    }

    func traceRow(at t: SimTime, id: String, linkType: String, tx: String, rx: String, evaluation e: LinkEvaluation) {
        trace?.write(LinkStateTraceRow(
            time: t, linkID: id, linkType: linkType, tx: tx, rx: rx, elevationDeg: e.geometry.elevationDeg,
            azimuthDeg: e.geometry.azimuthDeg, rangeMeters: e.geometry.slantRangeMeters, channel: e.channel,
            snrDb: e.budget.snrDb, shannonBps: e.budget.shannonCapacityBps, capacityBps: e.capacityBps,
            delaySeconds: e.delaySeconds))
    }

    func close() throws {
        try accessFile?.close()
        try handoverFile?.close()
        try linksFile?.close()
        try trace?.commit()
    }

    /// `2024-05-12T00:03:21.123456Z`: microsecond ISO 8601, enough for root-found crossing times.
    static func iso(_ t: UTCInstant) -> String {
        let c = t.components
        func pad(_ v: Int, _ w: Int) -> String {
            let s = String(v)
            return s.count >= w ? s : String(repeating: "0", count: w - s.count) + s
        }
        return "\(pad(c.year, 4))-\(pad(c.month, 2))-\(pad(c.day, 2))T\(pad(c.hour, 2)):\(pad(c.minute, 2)):\(pad(c.second, 2)).\(pad(c.nanosecond / 1000, 6))Z"
    }
}
