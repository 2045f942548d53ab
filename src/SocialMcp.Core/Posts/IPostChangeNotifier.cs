namespace SocialMcp.Core.Posts;

/// <summary>
/// Told by <see cref="PostService"/> after a change of a post's status has committed, so a host can tell whoever
/// watches that post (MCP resource subscriptions). It must return at once and never throw: the change is done.
/// </summary>
public interface IPostChangeNotifier
{
    void PostChanged(string workspaceId, string postId);
}

/// <summary>The default when no host watches posts (the CLI, tests of the domain).</summary>
public sealed class NoPostChangeNotifier : IPostChangeNotifier
{
    public void PostChanged(string workspaceId, string postId)
    {
    }
}
