using System.Runtime.CompilerServices;

// The HTTP tests reach the session store (to watch idle eviction) and the allow-list checks directly.
[assembly: InternalsVisibleTo("SocialMcp.Http.Tests")]

// The domain tests check what results and summaries say (OutputMapping) against the stored targets.
[assembly: InternalsVisibleTo("SocialMcp.Tests")]
[assembly: InternalsVisibleTo("SocialMcp.Postgres.Tests")]
