# syntax=docker/dockerfile:1
# connection-relay image. Build stage: the same `mvn -B package -DskipTests` as on a workstation,
# which leaves target/connection-relay-<version>.jar and its runtime dependencies in target/lib/.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
COPY src/main src/main
RUN --mount=type=cache,target=/root/.m2 mvn -B -q package -DskipTests

# Run stage: a JRE, the jar with lib/ beside it (its manifest's class path), config/ and routes/
# (read from the working directory, so either can be mounted over), and data/ for what the relay
# keeps on disk (staging, dead letters, the embedded state database when no PostgreSQL is set).
FROM eclipse-temurin:17-jre
RUN groupadd --system --gid 10001 relay \
 && useradd --system --uid 10001 --gid relay --home-dir /app --no-create-home --shell /usr/sbin/nologin relay
WORKDIR /app
COPY --from=build /src/target/lib/ lib/
COPY --from=build /src/target/connection-relay-*.jar connection-relay.jar
COPY config/ config/
COPY routes/ routes/
RUN mkdir data && chown relay:relay data
USER 10001:10001
ENV RELAY_PROFILE=prod \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -Dfile.encoding=UTF-8"
VOLUME ["/app/data"]
# health and metrics (/observe/health, /observe/metrics) when camel.server is enabled
EXPOSE 8080
# arguments go to the relay: --once, --dead-letters, --replay[=ID]
ENTRYPOINT ["java", "-jar", "/app/connection-relay.jar"]
