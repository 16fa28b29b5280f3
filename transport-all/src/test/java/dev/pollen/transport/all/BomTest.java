package dev.pollen.transport.all;

import dev.pollen.transport.Transport;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * pollen-bom lists every module a user can depend on, at the build's version, and nothing else; this
 * artifact brings every transport.
 */
class BomTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void bomListsEveryPublishedModule() throws Exception {
        Document root = parse(ROOT.resolve("pom.xml"));
        String version = child(root.getDocumentElement(), "version").getTextContent().trim();
        Set<String> published = new TreeSet<>();
        collect(ROOT, published);

        Document bom = parse(ROOT.resolve("bom/pom.xml"));
        assertEquals(version, child(bom.getDocumentElement(), "version").getTextContent().trim(), "pollen-bom's version");
        Set<String> listed = new TreeSet<>();
        NodeList deps = bom.getElementsByTagName("dependency");
        for (int i = 0; i < deps.getLength(); i++) {
            Element d = (Element) deps.item(i);
            assertEquals("dev.pollen", child(d, "groupId").getTextContent().trim());
            assertEquals(version, child(d, "version").getTextContent().trim(), "version of " + d.getTextContent());
            listed.add(child(d, "artifactId").getTextContent().trim());
        }
        assertEquals(published, listed, "pollen-bom/pom.xml against the modules that are published (jar packaging, "
                + "no maven.deploy.skip)");
    }

    @Test
    void everyTransportIsHere() {
        List<String> names = new ArrayList<>();
        Transport.pollenTransports().forEach(t -> names.add(t.name()));
        assertEquals(List.of("epoll", "kqueue", "wepoll"), names);
        assertTrue(Transport.select().isAvailable());
    }

    /** Adds the artifactId of every jar module under {@code dir} (recursively) that is deployed. */
    private static void collect(Path dir, Set<String> out) throws Exception {
        Document pom = parse(dir.resolve("pom.xml"));
        Element project = pom.getDocumentElement();
        Element packaging = child(project, "packaging");
        boolean skip = pom.getElementsByTagName("maven.deploy.skip").getLength() > 0;
        if ((packaging == null || "jar".equals(packaging.getTextContent().trim())) && !skip) {
            out.add(child(project, "artifactId").getTextContent().trim());
        }
        Element modules = child(project, "modules");
        if (modules != null) {
            NodeList list = modules.getElementsByTagName("module");
            for (int i = 0; i < list.getLength(); i++) {
                String m = list.item(i).getTextContent().trim();
                if (!m.equals("bom")) {
                    collect(dir.resolve(m), out);
                }
            }
        }
    }

    private static Document parse(Path pom) throws Exception {
        assertTrue(Files.isRegularFile(pom), pom.toString());
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
    }

    private static Element child(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element && name.equals(n.getNodeName())) {
                return (Element) n;
            }
        }
        return null;
    }
}
