using SocialMcp.Core.Workspaces;

namespace SocialMcp.Server.Hosting;

/// <summary>Which workspace the current caller acts as. Stdio sessions act as the local workspace.</summary>
public interface IWorkspaceContext
{
    string WorkspaceId { get; }
}

public sealed class LocalWorkspaceContext : IWorkspaceContext
{
    public string WorkspaceId => LocalWorkspace.Id;
}
