// The consumer test and the provider verification share one libpact_ffi in this process, and the verification starts
// its own orchestratord with engine processes: one at a time suits a 2-core machine and the library's global logger.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
