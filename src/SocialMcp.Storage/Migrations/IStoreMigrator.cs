namespace SocialMcp.Storage.Migrations;

/// <summary>Brings the configured database up to the schema this build expects. Safe to run from several processes at once.</summary>
public interface IStoreMigrator
{
    /// <summary>Applies the migrations not yet applied and returns their versions (empty when the schema is current).</summary>
    Task<IReadOnlyList<int>> ApplyAsync(CancellationToken cancellationToken);
}
