using SocialMcp.Core.Domain;

namespace SocialMcp.Core.Errors;

/// <summary>One thing wrong with a request: a stable code, a sentence for the agent, where, and what to do.</summary>
public sealed record Problem(string Code, string Message, string? Path = null, Platform? Platform = null, string? Hint = null);
