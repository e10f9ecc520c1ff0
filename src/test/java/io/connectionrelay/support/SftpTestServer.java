package io.connectionrelay.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.sftp.server.FileHandle;
import org.apache.sshd.sftp.server.Handle;
import org.apache.sshd.sftp.server.SftpEventListener;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * An in-JVM SFTP server (Apache MINA SSHD) for tests, as a JUnit extension: started before each
 * test with an empty root folder, on the same port for the whole class so a test can stop it and
 * start it again. (Camel's test support may read a test's settings, which write the key files,
 * before this runs: nothing set up by those is reset here.) Logins: {@link #USER} with {@link #PASSWORD}, or the client key from
 * {@link #writeClientKey}. It records opens and renames so tests can check what order files
 * appeared in.
 */
public final class SftpTestServer implements BeforeEachCallback, AfterAllCallback {

    public static final String USER = "relay-upload";
    /** URI-hostile on purpose: credentials must reach the server intact and never show in a URI. */
    public static final String PASSWORD = "pw&x=1+2%3F#?/";
    public static final String KEY_PASSPHRASE = "key phrase&=%";

    private static final KeyPair HOST_KEY = generate();

    private final int port = Http.freePort();
    private final List<String> events = new CopyOnWriteArrayList<>();
    private Path root;
    private SshServer server;
    private volatile PublicKey clientKey;

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        stop();
        if (root != null) {
            deleteTree(root);
        }
        root = Files.createTempDirectory("sftp-root-");
        events.clear();
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (context.getRequiredTestClass().getEnclosingClass() == null) {
            stop();
            deleteTree(root);
        }
    }

    public synchronized void start() throws IOException {
        if (server != null) {
            return;
        }
        SshServer sshd = SshServer.setUpDefaultServer();
        sshd.setHost("127.0.0.1");
        sshd.setPort(port);
        sshd.setKeyPairProvider(KeyPairProvider.wrap(HOST_KEY));
        sshd.setPasswordAuthenticator((user, password, session) -> USER.equals(user) && PASSWORD.equals(password));
        sshd.setPublickeyAuthenticator((user, key, session) -> USER.equals(user) && clientKey != null
                && KeyUtils.compareKeys(clientKey, key));
        SftpSubsystemFactory sftp = new SftpSubsystemFactory.Builder().build();
        sftp.addSftpEventListener(new Recorder());
        sshd.setSubsystemFactories(List.of(sftp));
        sshd.setFileSystemFactory(new VirtualFileSystemFactory(root));
        sshd.start();
        server = sshd;
    }

    public synchronized void stop() throws IOException {
        if (server != null) {
            server.stop(true);
            server = null;
        }
    }

    public int port() {
        return port;
    }

    /** The server's file system: what a client sees as its login directory. */
    public Path root() {
        return root;
    }

    /** "open NAME" (for writing) and "move FROM -> TO", in the order the server saw them; names relative to the root. */
    public List<String> events() {
        return List.copyOf(events);
    }

    /** The file names in a folder under the root, sorted; empty when the folder does not exist. */
    public List<String> list(String folder) throws IOException {
        Path dir = root.resolve(folder);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    /** A known_hosts file that holds this server's host key, as ssh-keyscan would write it. */
    public Path writeKnownHosts(Path file) throws IOException {
        return writeKnownHostsLine(file, "[127.0.0.1]:" + port, HOST_KEY.getPublic());
    }

    /** A known_hosts file that knows another server only (another host key under another name). */
    public static Path writeKnownHostsOfAnotherServer(Path file) throws IOException {
        return writeKnownHostsLine(file, "[sftp.example.com]:2222", generate().getPublic());
    }

    /**
     * Generates a client key pair with JSch (the client Camel uses, so the format is one it reads),
     * writes the passphrase-protected private key to the file and authorizes its public key.
     */
    public Path writeClientKey(Path file) throws IOException {
        try {
            com.jcraft.jsch.KeyPair pair = com.jcraft.jsch.KeyPair.genKeyPair(new JSch(), com.jcraft.jsch.KeyPair.ECDSA, 256);
            ByteArrayOutputStream publicKey = new ByteArrayOutputStream();
            pair.writePublicKey(publicKey, "relay-test");
            pair.writePrivateKey(file.toString(), KEY_PASSPHRASE.getBytes(StandardCharsets.UTF_8));
            clientKey = PublicKeyEntry.parsePublicKeyEntry(publicKey.toString(StandardCharsets.US_ASCII).trim())
                    .resolvePublicKey(null, null, PublicKeyEntryResolver.FAILING);
            return file;
        } catch (JSchException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path writeKnownHostsLine(Path file, String host, PublicKey key) throws IOException {
        Files.writeString(file, host + " " + PublicKeyEntry.toString(key) + "\n", StandardCharsets.US_ASCII);
        return file;
    }

    private final class Recorder implements SftpEventListener {

        @Override
        public void open(ServerSession session, String remoteHandle, Handle localHandle) {
            if (localHandle instanceof FileHandle file && file.getOpenOptions().contains(java.nio.file.StandardOpenOption.WRITE)) {
                events.add("open " + relative(file.getFile()));
            }
        }

        @Override
        public void moved(ServerSession session, Path srcPath, Path dstPath, Collection<java.nio.file.CopyOption> opts,
                Throwable thrown) {
            if (thrown == null) {
                events.add("move " + relative(srcPath) + " -> " + relative(dstPath));
            }
        }

        private String relative(Path path) {
            return path.toString().replaceFirst("^/", "");
        }
    }

    private static KeyPair generate() {
        try {
            return KeyUtils.generateKeyPair(KeyPairProvider.ECDSA_SHA2_NISTP256, 256);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }


    private static void deleteTree(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
