// The drills run real processes on this machine's PostgreSQL packages (runuser, pg_ctl, SIGKILL): Linux only.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

// One drill at a time: each one loads the machine on purpose, and their timings are part of what they assert.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
