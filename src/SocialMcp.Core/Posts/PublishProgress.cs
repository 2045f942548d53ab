using SocialMcp.Core.Domain;

namespace SocialMcp.Core.Posts;

/// <summary>
/// A step of a publish, for MCP progress notifications: <see cref="Completed"/> of <see cref="Total"/> targets are done (both
/// null for a target that is waiting on a platform's limit), <see cref="Target"/> as it is now (null when the publish has just
/// <see cref="Started"/>: its claim is committed), and a one-line message.
/// </summary>
public sealed record PublishProgress(int? Completed, int? Total, PostTarget? Target, string Message)
{
    public bool Started => Target is null;
}
