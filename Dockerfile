# syntax=docker/dockerfile:1
# SocialMcp over streamable HTTP, listening on port 8080, its SQLite database in the /data volume.
#   docker build -t socialmcp .
#   docker run --rm -v socialmcp-data:/data socialmcp keys create --workspace local --name my-agent
#   docker run -d --name socialmcp -p 127.0.0.1:8080:8080 -v socialmcp-data:/data socialmcp
# Clients then connect to http://127.0.0.1:8080/mcp with "Authorization: Bearer <key>".

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props llm.txt ./
COPY src/ src/
# tests/SocialMcp.Packaging.Tests runs this same publish command and the published server: keep the two in step.
RUN --mount=type=cache,id=nuget,target=/root/.nuget/packages \
    dotnet publish src/SocialMcp.Server -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .

# The image's non-root user ($APP_UID) owns the data folder; a new named volume takes that ownership on first use.
RUN mkdir /data && chown "$APP_UID" /data
VOLUME /data
ENV SOCIALMCP_Storage__Path=/data/socialmcp.db

# The HTTP transport refuses any Host header that is not loopback or listed in Http:AllowedHosts (DNS-rebinding
# protection), so http://localhost:8080 and http://127.0.0.1:8080 work as they are. Behind a DNS name, list it:
#   docker run -e SOCIALMCP_Http__AllowedHosts__0=mcp.example.com ...
# (and browser origins with SOCIALMCP_Http__AllowedOrigins__0=https://app.example.com). There is no wildcard.

USER $APP_UID
EXPOSE 8080
# The runtime image has neither curl nor wget: the server checks itself.
HEALTHCHECK --interval=30s --timeout=10s --start-period=15s --retries=3 \
    CMD ["dotnet", "/app/socialmcp.dll", "healthcheck", "--url", "http://127.0.0.1:8080/healthz"]
ENTRYPOINT ["dotnet", "/app/socialmcp.dll"]
CMD ["serve", "--http", "--urls", "http://0.0.0.0:8080"]
