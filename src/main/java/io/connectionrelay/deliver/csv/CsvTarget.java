package io.connectionrelay.deliver.csv;

import java.util.Optional;

import io.connectionrelay.core.Settings;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.TemplatedRouteDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the csv-publish route (direct:csv-publish) from the template in routes/deliver/csv.yaml
 * that relay.csv.target names: folder (relay.csv.folder) or sftp (relay.csv.sftp.*). The settings
 * were checked at startup (SettingsSchema: required ones, readable key and known_hosts files), so a
 * bad configuration fails with the setting's name instead of at the first upload. The SFTP password
 * and key passphrase are not template parameters: the endpoint reads them from the settings itself.
 */
public class CsvTarget extends RouteBuilder {

    static final String SFTP = "relay.csv.sftp.";
    private static final Logger LOG = LoggerFactory.getLogger(CsvTarget.class);

    @Override
    public void configure() {
        Settings settings = new Settings(getContext());
        String target = settings.getString("relay.csv.target");
        String doneFileName = settings.getBoolean("relay.csv.done-file") ? "${file:name}.done" : null;
        String summary;
        switch (target) {
            case "folder" -> {
                String folder = settings.getString("relay.csv.folder");
                var route = templatedRoute("csv-publish-folder").routeId("csv-publish").parameter("folder", folder);
                optional(route, "doneFileName", doneFileName);
                summary = "CSV files to folder " + folder;
            }
            case "sftp" -> summary = sftp(settings, doneFileName);
            default -> throw Settings.invalid("relay.csv.target", target, "folder or sftp");
        }
        if (doneFileName != null) {
            summary += ", each followed by <name>.done";
        }
        // the startup summary's line for this channel, unless the configuration sets its own
        getContext().getPropertiesComponent().addInitialProperty("relay.csv.summary", summary);
    }

    private String sftp(Settings settings, String doneFileName) {
        String host = settings.require(SFTP + "host", "the SFTP server CSV files are uploaded to");
        int port = settings.getInt(SFTP + "port");
        String username = settings.require(SFTP + "username", "the SFTP login");
        String directory = settings.getString(SFTP + "directory");
        Optional<String> privateKey = settings.get(SFTP + "private-key-file");
        boolean trustAnyHost = settings.getBoolean(SFTP + "trust-any-host");
        String knownHosts = "";
        if (trustAnyHost) {
            LOG.warn("{}trust-any-host=true: the SFTP server's host key is NOT verified, so anyone who can intercept "
                    + "the connection to {} can receive the CSV exports and the login. Set {}known-hosts-file instead.",
                    SFTP, host, SFTP);
        } else {
            knownHosts = settings.require(SFTP + "known-hosts-file", "the SFTP server's host key is verified against "
                    + "this known_hosts file; " + SFTP + "trust-any-host=true turns verification off");
        }
        var route = templatedRoute("csv-publish-sftp").routeId("csv-publish")
                .parameter("host", host)
                .parameter("port", String.valueOf(port))
                .parameter("directory", directory)
                .parameter("username", username)
                .parameter("privateKeyFile", privateKey.orElse(""))
                .parameter("knownHostsFile", knownHosts)
                .parameter("strictHostKeyChecking", trustAnyHost ? "no" : "yes")
                .parameter("connectTimeout", millis(settings, SFTP + "connect-timeout"))
                .parameter("soTimeout", millis(settings, SFTP + "socket-timeout"));
        optional(route, "doneFileName", doneFileName);
        return "CSV files to sftp://" + username + "@" + host + ":" + port + "/" + directory + ", host key "
                + (trustAnyHost ? "NOT verified (trust-any-host)" : "checked against " + knownHosts);
    }

    /** Exponential backoff with jitter for the csv-sftp route configuration (routes/deliver/csv.yaml). */
    private static void optional(TemplatedRouteDefinition route, String name, String value) {
        if (value != null) {
            route.parameter(name, value);
        }
    }

    private static String millis(Settings settings, String key) {
        return String.valueOf(settings.getDuration(key).toMillis());
    }
}
