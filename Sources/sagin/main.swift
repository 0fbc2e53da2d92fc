#if canImport(Glibc)
import Glibc
#endif
import SaginCLI
import SimCore

// OpenBLAS picks its kernel in a library constructor that has already run by now. If the user did
// not choose one, set OPENBLAS_CORETYPE for this CPU and re-execute, so the new process image loads
// OpenBLAS with the right kernel (see OpenBLASLaunch). The marker variable prevents a loop.
if getenv(OpenBLASLaunch.markerVariable) == nil,
   let core = OpenBLASLaunch.coreTypeToSet(
       currentValue: getenv(OpenBLASLaunch.variable).map { String(cString: $0) },
       cpuFlags: OpenBLASLaunch.currentCPUFlags())
{
    setenv(OpenBLASLaunch.variable, core, 1)
    setenv(OpenBLASLaunch.markerVariable, "launcher", 1)
    execv("/proc/self/exe", CommandLine.unsafeArgv)
    // exec failed: carry on with OpenBLAS's own choice and say so.
    let message = "sagin: warning: could not re-execute with \(OpenBLASLaunch.variable)=\(core) (errno \(errno)); BLAS may be slow\n"
    _ = message.withCString { write(2, $0, strlen($0)) }
    unsetenv(OpenBLASLaunch.variable)
    unsetenv(OpenBLASLaunch.markerVariable)
}

SaginCommand.main()
