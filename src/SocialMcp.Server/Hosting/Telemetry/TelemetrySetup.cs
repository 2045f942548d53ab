using System.Collections;
using System.Diagnostics;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using SocialMcp.Core;
using SocialMcp.Core.Telemetry;

namespace SocialMcp.Server.Hosting.Telemetry;

/// <summary>
/// OpenTelemetry for every host (stdio, HTTP, service): the server's own spans and metrics (<see cref="SocialMcpTelemetry"/>)
/// and the platform HTTP calls, exported over OTLP when an endpoint is configured (<c>Telemetry:OtlpEndpoint</c> or
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>). Without one no provider is registered, so nothing listens and recording costs a
/// check. There is never a console exporter: stdout carries JSON-RPC in stdio mode, and the SDK's own diagnostics go to
/// its EventSource, not to stdout.
/// </summary>
public static class TelemetrySetup
{
    public const string DefaultServiceName = "socialmcp";

    /// <summary>The OpenTelemetry environment variables the SDK reads, in the standard spelling (no SOCIALMCP_ prefix).</summary>
    private const string OtelPrefix = "OTEL_";

    public static IHostApplicationBuilder AddSocialMcpTelemetry(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<TelemetryOptions>(TelemetryOptions.SectionName);
        // The SDK reads OTEL_* settings (headers, batch delay, export interval, resource attributes) from the host's
        // configuration, which takes only SOCIALMCP_-prefixed variables: hand it the standard ones under their own names.
        builder.Configuration.AddInMemoryCollection(OtelEnvironmentVariables());

        var options = builder.Configuration.GetSection(TelemetryOptions.SectionName).Get<TelemetryOptions>() ?? new TelemetryOptions();
        var export = ResolveExport(options, builder.Configuration);
        if (export is null)
            return builder; // Off: no provider, no listener, near-zero cost on every call.

        var serviceName = FirstSet(options.ServiceName, builder.Configuration["OTEL_SERVICE_NAME"]) ?? DefaultServiceName;
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName, serviceVersion: ServiceVersion))
            .WithTracing(tracing => tracing
                .AddSocialMcpTracing()
                .AddOtlpExporter(o => export.Apply(o, "v1/traces")))
            .WithMetrics(metrics => metrics
                .AddSocialMcpMetrics()
                .AddOtlpExporter(o => export.Apply(o, "v1/metrics")));
        return builder;
    }

    /// <summary>
    /// The server's spans and the platform HTTP calls' spans, as children of whichever tool call or publish made them. Query
    /// strings never leave the process: some platforms take an access token as a query parameter.
    /// </summary>
    public static TracerProviderBuilder AddSocialMcpTracing(this TracerProviderBuilder tracing) => tracing
        .AddSource(SocialMcpTelemetry.Name)
        .AddHttpClientInstrumentation(http =>
        {
            http.RecordException = false; // An exception's message can quote a URL with its query.
            http.EnrichWithHttpRequestMessage = static (activity, request) => RedactUrl(activity, request.RequestUri);
        });

    /// <summary>The server's instruments (tool latency, publish outcomes, scheduler lag and due depth, token refreshes, webhook deliveries).</summary>
    public static MeterProviderBuilder AddSocialMcpMetrics(this MeterProviderBuilder metrics) => metrics
        .AddMeter(SocialMcpTelemetry.Name);

    /// <summary>Replaces the span's URL with one that has no query or fragment at all (not even redacted parameter names).</summary>
    internal static void RedactUrl(Activity activity, Uri? uri)
    {
        if (uri is null || !uri.IsAbsoluteUri)
            return;
        activity.SetTag("url.full", uri.GetLeftPart(UriPartial.Path));
        activity.SetTag("url.query", null);
    }

    private static string ServiceVersion =>
        typeof(TelemetrySetup).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    private static Dictionary<string, string?> OtelEnvironmentVariables()
    {
        var variables = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            if (entry.Key is string name && name.StartsWith(OtelPrefix, StringComparison.OrdinalIgnoreCase))
                variables[name] = entry.Value as string;
        }
        return variables;
    }

    /// <summary>Where to export, or null when nothing is configured (or the configured endpoint is invalid: start-up validation says why).</summary>
    private static OtlpExport? ResolveExport(TelemetryOptions options, IConfiguration configuration)
    {
        var protocol = FirstSet(options.OtlpProtocol, configuration["OTEL_EXPORTER_OTLP_PROTOCOL"]);
        var exportProtocol = protocol == TelemetryOptions.HttpProtobuf ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
        if (FirstSet(options.OtlpEndpoint) is { } endpoint)
            return TelemetryOptions.IsHttpUrl(endpoint) ? new OtlpExport(new Uri(endpoint), exportProtocol) : null;
        // The SDK reads these itself (adding /v1/traces and /v1/metrics for http/protobuf); only the protocol is set here.
        return FirstSet(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"], configuration["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"],
            configuration["OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"]) is null
            ? null
            : new OtlpExport(null, exportProtocol);
    }

    private static string? FirstSet(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))?.Trim();

    /// <param name="BaseUrl">Telemetry:OtlpEndpoint; null when the OTEL_* variables name the endpoint.</param>
    private sealed record OtlpExport(Uri? BaseUrl, OtlpExportProtocol Protocol)
    {
        public void Apply(OtlpExporterOptions exporter, string signalPath)
        {
            exporter.Protocol = Protocol;
            if (BaseUrl is null)
                return;
            // Over HTTP each signal has its own path; an endpoint set in code is used exactly as given, so add it here.
            exporter.Endpoint = Protocol == OtlpExportProtocol.HttpProtobuf
                ? new Uri(BaseUrl.AbsoluteUri.TrimEnd('/') + "/" + signalPath)
                : BaseUrl;
        }
    }
}
