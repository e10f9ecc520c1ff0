package io.connectionrelay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The front page and the pages under docs/ link to each other: every relative link names a file
 * that exists, and an anchor names a heading of that file (GitHub's heading ids), so moving a
 * section without its links shows up here rather than to a reader.
 */
class DocumentationLinksTest {

    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    private static final Pattern HEADING = Pattern.compile("^#{1,6} (.+)$");

    @Test
    void everyRelativeLinkPointsAtAnExistingFileAndHeading() throws IOException {
        List<String> broken = new ArrayList<>();
        for (Path page : pages()) {
            for (String target : links(page)) {
                if (target.matches("^[a-z]+:.*")) {
                    continue; // http:, https:, mailto: are not this repository's to check
                }
                int hash = target.indexOf('#');
                String file = hash < 0 ? target : target.substring(0, hash);
                Path linked = file.isEmpty() ? page : page.resolveSibling(file).normalize();
                if (!Files.exists(linked)) {
                    broken.add(page + ": " + target + " (no such file)");
                } else if (hash >= 0 && !headingIds(linked).contains(target.substring(hash + 1))) {
                    broken.add(page + ": " + target + " (no such heading in " + linked + ")");
                }
            }
        }
        assertThat(broken).isEmpty();
    }

    @Test
    void everyPageUnderDocsIsLinkedFromTheFrontPage() throws IOException {
        Set<String> linked = links(Path.of("README.md")).stream().map(t -> t.replaceFirst("#.*", ""))
                .collect(Collectors.toSet());
        try (Stream<Path> docs = Files.list(Path.of("docs"))) {
            assertThat(docs.filter(p -> p.toString().endsWith(".md")).map(Path::toString))
                    .allSatisfy(page -> assertThat(linked).contains(page));
        }
    }

    private static List<Path> pages() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(Path.of("README.md")));
        try (Stream<Path> docs = Files.list(Path.of("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        return pages;
    }

    /** Link targets outside code blocks, where `](` is code rather than a link. */
    private static List<String> links(Path page) throws IOException {
        List<String> targets = new ArrayList<>();
        boolean code = false;
        for (String line : Files.readAllLines(page)) {
            if (line.startsWith("```")) {
                code = !code;
            } else if (!code) {
                Matcher m = LINK.matcher(line);
                while (m.find()) {
                    targets.add(m.group(1));
                }
            }
        }
        return targets;
    }

    /** Heading ids as GitHub makes them: lower case, punctuation dropped, spaces as hyphens. */
    private static Set<String> headingIds(Path page) throws IOException {
        Set<String> ids = new HashSet<>();
        boolean code = false;
        for (String line : Files.readAllLines(page)) {
            if (line.startsWith("```")) {
                code = !code;
            }
            Matcher m = HEADING.matcher(line);
            if (!code && m.matches()) {
                ids.add(m.group(1).trim().toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "")
                        .replace(' ', '-'));
            }
        }
        return ids;
    }
}
