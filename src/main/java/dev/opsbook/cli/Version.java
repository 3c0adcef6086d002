package dev.opsbook.cli;

import picocli.CommandLine;

final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String version = Version.class.getPackage().getImplementationVersion();
        return new String[] {"opsbook " + (version == null ? "development build" : version)};
    }
}
