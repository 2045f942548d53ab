namespace SocialMcp.Server.Http;

/// <summary>
/// The MCP protocol revisions the SDK (2.3.1) speaks, as the HTTP layer needs them: which the
/// <c>MCP-Protocol-Version</c> header may name, and which of them still have the initialize handshake and sessions.
/// The SDK keeps its own list internal; a test checks this one against a real client.
/// </summary>
internal static class McpProtocolRevisions
{
    /// <summary>Revisions with the initialize handshake and Streamable HTTP sessions.</summary>
    public static readonly IReadOnlyList<string> WithInitializeHandshake = ["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"];

    /// <summary>
    /// Revisions without sessions: every request carries its protocol version and client capabilities in <c>_meta</c>,
    /// and the <c>Mcp-Method</c> / <c>Mcp-Name</c> headers are required.
    /// </summary>
    public static readonly IReadOnlyList<string> WithPerRequestMetadata = ["2026-07-28"];

    public static readonly IReadOnlyList<string> All = [.. WithInitializeHandshake, .. WithPerRequestMetadata];

    public static bool HasPerRequestMetadata(string? version) => version is not null && WithPerRequestMetadata.Contains(version);
}
