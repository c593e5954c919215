// Each test class starts its own orchestratord and engine processes; two at a time suits a 2-core machine.
[assembly: CollectionBehavior(MaxParallelThreads = 2)]
