using System.ComponentModel.DataAnnotations;

namespace SocialMcp.Server.Hosting.Telemetry;

/// <summary>
/// Configuration section <c>Telemetry</c>: where traces and metrics go (docs/telemetry.md). With no endpoint here and no
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> in the environment, no OpenTelemetry provider is registered at all.
/// </summary>
public sealed class TelemetryOptions : IValidatableObject
{
    public const string SectionName = "Telemetry";

    /// <summary>The OTLP collector's base URL (http://127.0.0.1:4317 for gRPC, http://127.0.0.1:4318 for HTTP); empty: the environment decides.</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary><c>grpc</c> or <c>http/protobuf</c>; empty: <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>, else gRPC (the exporter's default).</summary>
    public string? OtlpProtocol { get; set; }

    /// <summary>The <c>service.name</c> resource attribute; empty: <c>OTEL_SERVICE_NAME</c>, else <c>socialmcp</c>.</summary>
    public string? ServiceName { get; set; }

    public const string Grpc = "grpc";
    public const string HttpProtobuf = "http/protobuf";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrWhiteSpace(OtlpEndpoint) && !IsHttpUrl(OtlpEndpoint))
        {
            yield return new ValidationResult(
                "Telemetry:OtlpEndpoint must be an absolute http:// or https:// URL (e.g. http://127.0.0.1:4317), or empty to export nothing.",
                [nameof(OtlpEndpoint)]);
        }
        if (!string.IsNullOrWhiteSpace(OtlpProtocol) && OtlpProtocol is not (Grpc or HttpProtobuf))
            yield return new ValidationResult("Telemetry:OtlpProtocol must be 'grpc' or 'http/protobuf'.", [nameof(OtlpProtocol)]);
    }

    internal static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}
