import Testing
@testable import Channels

@Suite struct ChannelStateTests {
    @Test func totalIsFreeSpacePlusParts() {
        let s = ChannelState(freeSpaceLossDb: 159.1, atmosphericLossDb: 0.2, scintillationLossDb: 2.2,
                             clutterLossDb: 29.0, shadowingDb: -1.5, losProbability: 0.49, isLOS: false)
        #expect(abs(s.extraLossDb - 29.9) < 1e-12)
        #expect(abs(s.totalPathLossDb - 189.0) < 1e-12)
    }
}
