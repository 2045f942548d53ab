namespace SocialMcp.Server.Hosting;

/// <summary>Which workspace the current caller acts as (see Access.CallerContext). Stdio sessions act as the local workspace.</summary>
public interface IWorkspaceContext
{
    string WorkspaceId { get; }
}
