using Microsoft.EntityFrameworkCore;

namespace SocialMcp.Server.Authorization;

/// <summary>Creates the authorization database's schema on first use (once per process).</summary>
public sealed class AuthorizationDatabase(AuthorizationDbContext context)
{
    private static readonly Lock Gate = new();
    private static readonly HashSet<string> Created = [];

    public void EnsureCreated()
    {
        var connection = context.Database.GetConnectionString() ?? "";
        lock (Gate)
        {
            if (Created.Contains(connection))
                return;
            context.Database.EnsureCreated();
            using (var pragma = context.Database.GetDbConnection().CreateCommand())
            {
                // As the main store: concurrent readers while one instance writes.
                context.Database.OpenConnection();
                pragma.CommandText = "PRAGMA journal_mode=WAL;";
                pragma.ExecuteNonQuery();
                context.Database.CloseConnection();
            }
            Created.Add(connection);
        }
    }
}
