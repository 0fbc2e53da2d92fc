import Testing
@testable import Scenario

@Suite struct TopologyErrorTests {
    @Test func descriptionReadsLikeADiagnostic() {
        let e = TopologyError(.outOfRange, file: "Topologies/uav-urban.yaml", line: 41, column: 15,
                              keyPath: "uavs[2].trajectory.waypoints[0].lat",
                              message: "expected a latitude in [-90, 90] degrees, found 123.4")
        #expect(e.description == "Topologies/uav-urban.yaml:41:15: uavs[2].trajectory.waypoints[0].lat: expected a latitude in [-90, 90] degrees, found 123.4")
    }
}
