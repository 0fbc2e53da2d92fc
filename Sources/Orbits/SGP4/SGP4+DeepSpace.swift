#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension SGP4Propagator {
    /// The SDP4 terms for orbits with periods of 225 minutes or more: lunar-solar secular rates and
    /// periodics, and the 12 h / 24 h geopotential resonance integrator.
    ///
    /// Computed once by the initialiser (Vallado's `dscom` + `dsinit`); `secular` is `dspace` and
    /// `periodics` is `dpper` (Vallado et al. 2006, Hoots & Roehrich 1980, Hoots 1986). Kept in its
    /// own value so near-earth propagators skip all of it.
    struct DeepSpace: Sendable {
        /// Which geopotential resonance the mean motion is near (Vallado's `irez`).
        enum Resonance: Sendable {
            case none
            /// One revolution per day (geosynchronous), `irez` = 1.
            case synchronous
            /// Two revolutions per day with e >= 0.5 (Molniya), `irez` = 2.
            case halfDay
        }

        // Lunar-solar periodic coefficients (dscom). The epoch offsets peo, pinco, plo, pgho, pho
        // are identically zero in Vallado's code and are left out.
        let e3: Double, ee2: Double, se2: Double, se3: Double
        let sgh2: Double, sgh3: Double, sgh4: Double, sh2: Double, sh3: Double
        let si2: Double, si3: Double, sl2: Double, sl3: Double, sl4: Double
        let xgh2: Double, xgh3: Double, xgh4: Double, xh2: Double, xh3: Double
        let xi2: Double, xi3: Double, xl2: Double, xl3: Double, xl4: Double
        let zmol: Double, zmos: Double
        // Lunar-solar secular rates (dsinit).
        let dedt: Double, didt: Double, dmdt: Double, dnodt: Double, domdt: Double
        // Resonance terms (dsinit).
        let resonance: Resonance
        let gsto: Double
        let d2201: Double, d2211: Double, d3210: Double, d3222: Double, d4410: Double
        let d4422: Double, d5220: Double, d5232: Double, d5421: Double, d5433: Double
        let del1: Double, del2: Double, del3: Double
        let xfact: Double, xlamo: Double

        /// Per-pass results of `dscom`'s solar (first) and lunar (second) loop.
        private struct BodyTerms {
            var s1 = 0.0, s2 = 0.0, s3 = 0.0, s4 = 0.0, s5 = 0.0, s6 = 0.0, s7 = 0.0
            var z1 = 0.0, z2 = 0.0, z3 = 0.0
            var z11 = 0.0, z12 = 0.0, z13 = 0.0, z21 = 0.0, z22 = 0.0, z23 = 0.0, z31 = 0.0, z32 = 0.0, z33 = 0.0
        }

        init(epoch: Double, ecco: Double, eccsq: Double, inclo: Double, nodeo: Double, argpo: Double,
             mo: Double, no: Double, mdot: Double, nodedot: Double, xpidot: Double, gsto: Double, xke: Double) {
            let twoPi = SGP4Propagator.twoPi
            let zes = 0.01675, zel = 0.05490
            let c1ss = 2.9864797e-6, c1l = 4.7968065e-7
            let zsinis = 0.39785416, zcosis = 0.91744867
            let zcosgs = 0.1945905, zsings = -0.98088458
            let znl = 1.5835218e-4, zns = 1.19459e-5

            // ---- dscom (at tc = 0) ----
            let nm = no
            let em = ecco
            let snodm = sin(nodeo), cnodm = cos(nodeo)
            let sinomm = sin(argpo), cosomm = cos(argpo)
            let sinim = sin(inclo), cosim = cos(inclo)
            let emsq = em * em
            let betasq = 1.0 - emsq
            let rtemsq = betasq.squareRoot()
            let day = epoch + 18_261.5  // days since 1900 Jan 0.5
            let xnodce = (4.5236020 - 9.2422029e-4 * day).truncatingRemainder(dividingBy: twoPi)
            let stem = sin(xnodce), ctem = cos(xnodce)
            let zcosil = 0.91375164 - 0.03568096 * ctem
            let zsinil = (1.0 - zcosil * zcosil).squareRoot()
            let zsinhl = 0.089683511 * stem / zsinil
            let zcoshl = (1.0 - zsinhl * zsinhl).squareRoot()
            let gam = 5.8351514 + 0.0019443680 * day
            let zxa = 0.39785416 * stem / zsinil
            let zy = zcoshl * ctem + 0.91744867 * zsinhl * stem
            let zx = gam + atan2(zxa, zy) - xnodce
            let zcosgl = cos(zx), zsingl = sin(zx)
            let xnoi = 1.0 / nm

            func bodyTerms(zcosg: Double, zsing: Double, zcosi: Double, zsini: Double,
                           zcosh: Double, zsinh: Double, cc: Double) -> BodyTerms {
                var b = BodyTerms()
                let a1 = zcosg * zcosh + zsing * zcosi * zsinh
                let a3 = -zsing * zcosh + zcosg * zcosi * zsinh
                let a7 = -zcosg * zsinh + zsing * zcosi * zcosh
                let a8 = zsing * zsini
                let a9 = zsing * zsinh + zcosg * zcosi * zcosh
                let a10 = zcosg * zsini
                let a2 = cosim * a7 + sinim * a8
                let a4 = cosim * a9 + sinim * a10
                let a5 = -sinim * a7 + cosim * a8
                let a6 = -sinim * a9 + cosim * a10

                let x1 = a1 * cosomm + a2 * sinomm
                let x2 = a3 * cosomm + a4 * sinomm
                let x3 = -a1 * sinomm + a2 * cosomm
                let x4 = -a3 * sinomm + a4 * cosomm
                let x5 = a5 * sinomm
                let x6 = a6 * sinomm
                let x7 = a5 * cosomm
                let x8 = a6 * cosomm

                b.z31 = 12.0 * x1 * x1 - 3.0 * x3 * x3
                b.z32 = 24.0 * x1 * x2 - 6.0 * x3 * x4
                b.z33 = 12.0 * x2 * x2 - 3.0 * x4 * x4
                var z1 = 3.0 * (a1 * a1 + a2 * a2) + b.z31 * emsq
                var z2 = 6.0 * (a1 * a3 + a2 * a4) + b.z32 * emsq
                var z3 = 3.0 * (a3 * a3 + a4 * a4) + b.z33 * emsq
                b.z11 = -6.0 * a1 * a5 + emsq * (-24.0 * x1 * x7 - 6.0 * x3 * x5)
                let z12e = -24.0 * (x2 * x7 + x1 * x8) - 6.0 * (x3 * x6 + x4 * x5)
                b.z12 = -6.0 * (a1 * a6 + a3 * a5) + emsq * z12e
                b.z13 = -6.0 * a3 * a6 + emsq * (-24.0 * x2 * x8 - 6.0 * x4 * x6)
                b.z21 = 6.0 * a2 * a5 + emsq * (24.0 * x1 * x5 - 6.0 * x3 * x7)
                let z22e = 24.0 * (x2 * x5 + x1 * x6) - 6.0 * (x4 * x7 + x3 * x8)
                b.z22 = 6.0 * (a4 * a5 + a2 * a6) + emsq * z22e
                b.z23 = 6.0 * a4 * a6 + emsq * (24.0 * x2 * x6 - 6.0 * x4 * x8)
                z1 = z1 + z1 + betasq * b.z31
                z2 = z2 + z2 + betasq * b.z32
                z3 = z3 + z3 + betasq * b.z33
                b.z1 = z1
                b.z2 = z2
                b.z3 = z3
                b.s3 = cc * xnoi
                b.s2 = -0.5 * b.s3 / rtemsq
                b.s4 = b.s3 * rtemsq
                b.s1 = -15.0 * em * b.s4
                b.s5 = x1 * x3 + x2 * x4
                b.s6 = x2 * x3 + x1 * x4
                b.s7 = x2 * x4 - x1 * x3
                return b
            }

            let sun = bodyTerms(zcosg: zcosgs, zsing: zsings, zcosi: zcosis, zsini: zsinis,
                                zcosh: cnodm, zsinh: snodm, cc: c1ss)
            let moon = bodyTerms(zcosg: zcosgl, zsing: zsingl, zcosi: zcosil, zsini: zsinil,
                                 zcosh: zcoshl * cnodm + zsinhl * snodm, zsinh: snodm * zcoshl - cnodm * zsinhl, cc: c1l)

            zmol = (4.7199672 + 0.22997150 * day - gam).truncatingRemainder(dividingBy: twoPi)
            zmos = (6.2565837 + 0.017201977 * day).truncatingRemainder(dividingBy: twoPi)

            // Solar periodic coefficients.
            se2 = 2.0 * sun.s1 * sun.s6
            se3 = 2.0 * sun.s1 * sun.s7
            si2 = 2.0 * sun.s2 * sun.z12
            si3 = 2.0 * sun.s2 * (sun.z13 - sun.z11)
            sl2 = -2.0 * sun.s3 * sun.z2
            sl3 = -2.0 * sun.s3 * (sun.z3 - sun.z1)
            sl4 = -2.0 * sun.s3 * (-21.0 - 9.0 * emsq) * zes
            sgh2 = 2.0 * sun.s4 * sun.z32
            sgh3 = 2.0 * sun.s4 * (sun.z33 - sun.z31)
            sgh4 = -18.0 * sun.s4 * zes
            sh2 = -2.0 * sun.s2 * sun.z22
            sh3 = -2.0 * sun.s2 * (sun.z23 - sun.z21)
            // Lunar periodic coefficients.
            ee2 = 2.0 * moon.s1 * moon.s6
            e3 = 2.0 * moon.s1 * moon.s7
            xi2 = 2.0 * moon.s2 * moon.z12
            xi3 = 2.0 * moon.s2 * (moon.z13 - moon.z11)
            xl2 = -2.0 * moon.s3 * moon.z2
            xl3 = -2.0 * moon.s3 * (moon.z3 - moon.z1)
            xl4 = -2.0 * moon.s3 * (-21.0 - 9.0 * emsq) * zel
            xgh2 = 2.0 * moon.s4 * moon.z32
            xgh3 = 2.0 * moon.s4 * (moon.z33 - moon.z31)
            xgh4 = -18.0 * moon.s4 * zel
            xh2 = -2.0 * moon.s2 * moon.z22
            xh3 = -2.0 * moon.s2 * (moon.z23 - moon.z21)

            // ---- dsinit: secular rates ----
            var resonance = Resonance.none
            if nm > 0.0034906585 && nm < 0.0052359877 { resonance = .synchronous }
            if nm >= 8.26e-3 && nm <= 9.24e-3 && em >= 0.5 { resonance = .halfDay }
            self.resonance = resonance
            self.gsto = gsto

            let ses = sun.s1 * zns * sun.s5
            let sis = sun.s2 * zns * (sun.z11 + sun.z13)
            let sls = -zns * sun.s3 * (sun.z1 + sun.z3 - 14.0 - 6.0 * emsq)
            let sghs = sun.s4 * zns * (sun.z31 + sun.z33 - 6.0)
            var shs = -zns * sun.s2 * (sun.z21 + sun.z23)
            // Node rates vanish for inclinations within 3° of 0° or 180° (sgp4fix for 180° inclination).
            let nearEquatorial = inclo < 5.2359877e-2 || inclo > Double.pi - 5.2359877e-2
            if nearEquatorial { shs = 0.0 }
            if sinim != 0.0 { shs = shs / sinim }
            let sgs = sghs - cosim * shs

            dedt = ses + moon.s1 * znl * moon.s5
            didt = sis + moon.s2 * znl * (moon.z11 + moon.z13)
            dmdt = sls - znl * moon.s3 * (moon.z1 + moon.z3 - 14.0 - 6.0 * emsq)
            let sghl = moon.s4 * znl * (moon.z31 + moon.z33 - 6.0)
            var shll = -znl * moon.s2 * (moon.z21 + moon.z23)
            if nearEquatorial { shll = 0.0 }
            var domdt = sgs + sghl
            var dnodt = shs
            if sinim != 0.0 {
                domdt = domdt - cosim / sinim * shll
                dnodt = dnodt + shll / sinim
            }
            self.domdt = domdt
            self.dnodt = dnodt

            // ---- dsinit: resonance terms ----
            let rptim = SGP4Propagator.DeepSpace.rptim
            let theta = gsto.truncatingRemainder(dividingBy: twoPi)  // at tc = 0
            var d2201 = 0.0, d2211 = 0.0, d3210 = 0.0, d3222 = 0.0, d4410 = 0.0
            var d4422 = 0.0, d5220 = 0.0, d5232 = 0.0, d5421 = 0.0, d5433 = 0.0
            var del1 = 0.0, del2 = 0.0, del3 = 0.0, xfact = 0.0, xlamo = 0.0
            let aonv = resonance == .none ? 0.0 : pow(nm / xke, SGP4Propagator.x2o3)
            switch resonance {
            case .none:
                break
            case .halfDay:
                // Geopotential resonance for 12 h orbits (uses the epoch eccentricity).
                let cosisq = cosim * cosim
                let e = ecco, e2 = eccsq
                let eoc = e * e2
                let g201 = -0.306 - (e - 0.64) * 0.440
                var g211: Double, g310: Double, g322: Double, g410: Double, g422: Double, g520: Double
                if e <= 0.65 {
                    g211 = 3.616 - 13.2470 * e + 16.2900 * e2
                    g310 = -19.302 + 117.3900 * e - 228.4190 * e2 + 156.5910 * eoc
                    g322 = -18.9068 + 109.7927 * e - 214.6334 * e2 + 146.5816 * eoc
                    g410 = -41.122 + 242.6940 * e - 471.0940 * e2 + 313.9530 * eoc
                    g422 = -146.407 + 841.8800 * e - 1629.014 * e2 + 1083.4350 * eoc
                    g520 = -532.114 + 3017.977 * e - 5740.032 * e2 + 3708.2760 * eoc
                } else {
                    g211 = -72.099 + 331.819 * e - 508.738 * e2 + 266.724 * eoc
                    g310 = -346.844 + 1582.851 * e - 2415.925 * e2 + 1246.113 * eoc
                    g322 = -342.585 + 1554.908 * e - 2366.899 * e2 + 1215.972 * eoc
                    g410 = -1052.797 + 4758.686 * e - 7193.992 * e2 + 3651.957 * eoc
                    g422 = -3581.690 + 16178.110 * e - 24462.770 * e2 + 12422.520 * eoc
                    if e > 0.715 {
                        g520 = -5149.66 + 29936.92 * e - 54087.36 * e2 + 31324.56 * eoc
                    } else {
                        g520 = 1464.74 - 4664.75 * e + 3763.64 * e2
                    }
                }
                var g533: Double, g521: Double, g532: Double
                if e < 0.7 {
                    g533 = -919.22770 + 4988.6100 * e - 9064.7700 * e2 + 5542.21 * eoc
                    g521 = -822.71072 + 4568.6173 * e - 8491.4146 * e2 + 5337.524 * eoc
                    g532 = -853.66600 + 4690.2500 * e - 8624.7700 * e2 + 5341.4 * eoc
                } else {
                    g533 = -37995.780 + 161616.52 * e - 229838.20 * e2 + 109377.94 * eoc
                    g521 = -51752.104 + 218913.95 * e - 309468.16 * e2 + 146349.42 * eoc
                    g532 = -40023.880 + 170470.89 * e - 242699.48 * e2 + 115605.82 * eoc
                }
                let sini2 = sinim * sinim
                let f220 = 0.75 * (1.0 + 2.0 * cosim + cosisq)
                let f221 = 1.5 * sini2
                let f321 = 1.875 * sinim * (1.0 - 2.0 * cosim - 3.0 * cosisq)
                let f322 = -1.875 * sinim * (1.0 + 2.0 * cosim - 3.0 * cosisq)
                let f441 = 35.0 * sini2 * f220
                let f442 = 39.3750 * sini2 * sini2
                let f522a = sini2 * (1.0 - 2.0 * cosim - 5.0 * cosisq)
                let f522b = 0.33333333 * (-2.0 + 4.0 * cosim + 6.0 * cosisq)
                let f522 = 9.84375 * sinim * (f522a + f522b)
                let f523a = 4.92187512 * sini2 * (-2.0 - 4.0 * cosim + 10.0 * cosisq)
                let f523b = 6.56250012 * (1.0 + 2.0 * cosim - 3.0 * cosisq)
                let f523 = sinim * (f523a + f523b)
                let f542 = 29.53125 * sinim * (2.0 - 8.0 * cosim + cosisq * (-12.0 + 8.0 * cosim + 10.0 * cosisq))
                let f543 = 29.53125 * sinim * (-2.0 - 8.0 * cosim + cosisq * (12.0 + 8.0 * cosim - 10.0 * cosisq))
                let xno2 = nm * nm
                let ainv2 = aonv * aonv
                var temp1 = 3.0 * xno2 * ainv2
                var temp = temp1 * DeepSpace.root22
                d2201 = temp * f220 * g201
                d2211 = temp * f221 * g211
                temp1 = temp1 * aonv
                temp = temp1 * DeepSpace.root32
                d3210 = temp * f321 * g310
                d3222 = temp * f322 * g322
                temp1 = temp1 * aonv
                temp = 2.0 * temp1 * DeepSpace.root44
                d4410 = temp * f441 * g410
                d4422 = temp * f442 * g422
                temp1 = temp1 * aonv
                temp = temp1 * DeepSpace.root52
                d5220 = temp * f522 * g520
                d5232 = temp * f523 * g532
                temp = 2.0 * temp1 * DeepSpace.root54
                d5421 = temp * f542 * g521
                d5433 = temp * f543 * g533
                xlamo = (mo + nodeo + nodeo - theta - theta).truncatingRemainder(dividingBy: twoPi)
                xfact = mdot + dmdt + 2.0 * (nodedot + dnodt - rptim) - no
            case .synchronous:
                // Synchronous resonance terms.
                let g200 = 1.0 + emsq * (-2.5 + 0.8125 * emsq)
                let g310 = 1.0 + 2.0 * emsq
                let g300 = 1.0 + emsq * (-6.0 + 6.60937 * emsq)
                let f220 = 0.75 * (1.0 + cosim) * (1.0 + cosim)
                let f311 = 0.9375 * sinim * sinim * (1.0 + 3.0 * cosim) - 0.75 * (1.0 + cosim)
                var f330 = 1.0 + cosim
                f330 = 1.875 * f330 * f330 * f330
                let d = 3.0 * nm * nm * aonv * aonv
                del2 = 2.0 * d * f220 * g200 * DeepSpace.q22
                del3 = 3.0 * d * f330 * g300 * DeepSpace.q33 * aonv
                del1 = d * f311 * g310 * DeepSpace.q31 * aonv
                xlamo = (mo + nodeo + argpo - theta).truncatingRemainder(dividingBy: twoPi)
                xfact = mdot + xpidot - rptim + dmdt + domdt + dnodt - no
            }
            self.d2201 = d2201
            self.d2211 = d2211
            self.d3210 = d3210
            self.d3222 = d3222
            self.d4410 = d4410
            self.d4422 = d4422
            self.d5220 = d5220
            self.d5232 = d5232
            self.d5421 = d5421
            self.d5433 = d5433
            self.del1 = del1
            self.del2 = del2
            self.del3 = del3
            self.xfact = xfact
            self.xlamo = xlamo
        }

        // Resonance constants (Vallado's dsinit/dspace).
        static let q22 = 1.7891679e-6, q31 = 2.1460748e-6, q33 = 2.2123015e-7
        static let root22 = 1.7891679e-6, root32 = 3.7393792e-7, root44 = 7.3636953e-9
        static let root52 = 1.1428639e-7, root54 = 2.1765803e-9
        /// Earth rotation rate, rad/min (7.29211514668855e-5 rad/s).
        static let rptim = 4.37526908801129966e-3

        /// Lunar-solar secular rates and the resonance integrator (Vallado's `dspace`), applied to
        /// the mean elements at `t` minutes since epoch.
        ///
        /// The Euler–Maclaurin integrator steps 720 min from the epoch; restarting at the epoch on
        /// every call walks the same grid as Vallado's cached integrator, so the result is identical.
        func secular(t: Double, no: Double, argpo: Double, argpdot: Double,
                     em: inout Double, argpm: inout Double, inclm: inout Double,
                     mm: inout Double, nodem: inout Double, nm: inout Double) {
            let twoPi = SGP4Propagator.twoPi
            let rptim = DeepSpace.rptim
            let theta = (gsto + t * rptim).truncatingRemainder(dividingBy: twoPi)
            em = em + dedt * t
            inclm = inclm + didt * t
            argpm = argpm + domdt * t
            nodem = nodem + dnodt * t
            mm = mm + dmdt * t
            if resonance == .none { return }

            let fasx2 = 0.13130908, fasx4 = 2.8843198, fasx6 = 0.37448087
            let g22 = 5.7686396, g32 = 0.95240898, g44 = 1.8014998, g52 = 1.0508330, g54 = 4.4108898
            let stepp = 720.0, step2 = 259_200.0
            let delt = t > 0.0 ? stepp : -stepp
            var atime = 0.0
            var xni = no
            var xli = xlamo
            var ft = 0.0
            var xndt = 0.0, xldot = 0.0, xnddt = 0.0
            while true {
                if resonance == .synchronous {
                    xndt = del1 * sin(xli - fasx2) + del2 * sin(2.0 * (xli - fasx4)) + del3 * sin(3.0 * (xli - fasx6))
                    xldot = xni + xfact
                    xnddt = del1 * cos(xli - fasx2) + 2.0 * del2 * cos(2.0 * (xli - fasx4))
                        + 3.0 * del3 * cos(3.0 * (xli - fasx6))
                    xnddt = xnddt * xldot
                } else {
                    let xomi = argpo + argpdot * atime
                    let x2omi = xomi + xomi
                    let x2li = xli + xli
                    var s = d2201 * sin(x2omi + xli - g22) + d2211 * sin(xli - g22)
                    s = s + d3210 * sin(xomi + xli - g32) + d3222 * sin(-xomi + xli - g32)
                    s = s + d4410 * sin(x2omi + x2li - g44) + d4422 * sin(x2li - g44)
                    s = s + d5220 * sin(xomi + xli - g52) + d5232 * sin(-xomi + xli - g52)
                    s = s + d5421 * sin(xomi + x2li - g54) + d5433 * sin(-xomi + x2li - g54)
                    xndt = s
                    xldot = xni + xfact
                    var c = d2201 * cos(x2omi + xli - g22) + d2211 * cos(xli - g22)
                    c = c + d3210 * cos(xomi + xli - g32) + d3222 * cos(-xomi + xli - g32)
                    c = c + d5220 * cos(xomi + xli - g52) + d5232 * cos(-xomi + xli - g52)
                    var c2 = d4410 * cos(x2omi + x2li - g44) + d4422 * cos(x2li - g44)
                    c2 = c2 + d5421 * cos(xomi + x2li - g54) + d5433 * cos(-xomi + x2li - g54)
                    xnddt = (c + 2.0 * c2) * xldot
                }
                if abs(t - atime) >= stepp {
                    xli = xli + xldot * delt + xndt * step2
                    xni = xni + xndt * delt + xnddt * step2
                    atime = atime + delt
                } else {
                    ft = t - atime
                    break
                }
            }
            nm = xni + xndt * ft + xnddt * ft * ft * 0.5
            let xl = xli + xldot * ft + xndt * ft * ft * 0.5
            if resonance != .synchronous {
                mm = xl - 2.0 * nodem + 2.0 * theta
            } else {
                mm = xl - nodem - argpm + theta
            }
            let dndt = nm - no
            nm = no + dndt
        }

        /// Lunar-solar periodics added to the mean elements (Vallado's `dpper`, after
        /// initialisation), with the Lyddane modification below 0.2 rad inclination.
        func periodics(t: Double, mode: SGP4OperationMode, ep: inout Double, inclp: inout Double,
                       nodep: inout Double, argpp: inout Double, mp: inout Double) {
            let twoPi = SGP4Propagator.twoPi
            let zns = 1.19459e-5, zes = 0.01675, znl = 1.5835218e-4, zel = 0.05490

            var zm = zmos + zns * t
            var zf = zm + 2.0 * zes * sin(zm)
            var sinzf = sin(zf)
            var f2 = 0.5 * sinzf * sinzf - 0.25
            var f3 = -0.5 * sinzf * cos(zf)
            let ses = se2 * f2 + se3 * f3
            let sis = si2 * f2 + si3 * f3
            let sls = sl2 * f2 + sl3 * f3 + sl4 * sinzf
            let sghs = sgh2 * f2 + sgh3 * f3 + sgh4 * sinzf
            let shs = sh2 * f2 + sh3 * f3
            zm = zmol + znl * t
            zf = zm + 2.0 * zel * sin(zm)
            sinzf = sin(zf)
            f2 = 0.5 * sinzf * sinzf - 0.25
            f3 = -0.5 * sinzf * cos(zf)
            let sel = ee2 * f2 + e3 * f3
            let sil = xi2 * f2 + xi3 * f3
            let sll = xl2 * f2 + xl3 * f3 + xl4 * sinzf
            let sghl = xgh2 * f2 + xgh3 * f3 + xgh4 * sinzf
            let shll = xh2 * f2 + xh3 * f3
            let pe = ses + sel
            let pinc = sis + sil
            let pl = sls + sll
            var pgh = sghs + sghl
            var ph = shs + shll

            inclp = inclp + pinc
            ep = ep + pe
            let sinip = sin(inclp)
            let cosip = cos(inclp)
            // Lyddane choice on the perturbed inclination (GSFC variant, as in Vallado's code).
            if inclp >= 0.2 {
                ph = ph / sinip
                pgh = pgh - cosip * ph
                argpp = argpp + pgh
                nodep = nodep + ph
                mp = mp + pl
            } else {
                let sinop = sin(nodep)
                let cosop = cos(nodep)
                var alfdp = sinip * sinop
                var betdp = sinip * cosop
                let dalf = ph * cosop + pinc * cosip * sinop
                let dbet = -ph * sinop + pinc * cosip * cosop
                alfdp = alfdp + dalf
                betdp = betdp + dbet
                nodep = nodep.truncatingRemainder(dividingBy: twoPi)
                if nodep < 0.0 && mode == .afspc { nodep = nodep + twoPi }
                var xls = mp + argpp + cosip * nodep
                let dls = pl + pgh - pinc * nodep * sinip
                xls = xls + dls
                let xnoh = nodep
                nodep = atan2(alfdp, betdp)
                if nodep < 0.0 && mode == .afspc { nodep = nodep + twoPi }
                if abs(xnoh - nodep) > Double.pi {
                    if nodep < xnoh {
                        nodep = nodep + twoPi
                    } else {
                        nodep = nodep - twoPi
                    }
                }
                mp = mp + pl
                argpp = xls - mp - cosip * nodep
            }
        }
    }
}
