using SocialMcp.ConformanceHost;
using SocialMcp.Server.Cli;

// `socialmcp` exactly as shipped, plus the fixtures the conformance suite calls by name.
return await SocialMcpCommandLine.Build(server => server.AddConformanceFixtures()).Parse(args).InvokeAsync();
