namespace SocialMcp.Tests.Telemetry;

/// <summary>
/// Telemetry tests run alone, after the parallel tests: an ActivitySource or Meter listener sees the whole process, so
/// another test's tool calls or scheduler passes running meanwhile would show up in what these tests measure.
/// </summary>
[CollectionDefinition(nameof(TelemetryCollection), DisableParallelization = true)]
public sealed class TelemetryCollection;
