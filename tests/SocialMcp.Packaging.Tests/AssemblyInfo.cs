// The tests build the server in Release from the same source tree (the same obj/ folders): one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
