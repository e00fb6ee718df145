/** Logging configurations: programs log to a file in their directory, tools log warnings to stderr. */

const PATTERN = '[%d] %p %m (%c)%n';

export function log4j2FileConfig(logFile: string, level = 'INFO'): string {
  return `status = warn
appender.file.type = File
appender.file.name = file
appender.file.fileName = ${logFile}
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = ${PATTERN}
rootLogger.level = ${level}
rootLogger.appenderRef.file.ref = file
`;
}

export function log4j2StderrConfig(level = 'WARN'): string {
  return `status = warn
appender.stderr.type = Console
appender.stderr.name = stderr
appender.stderr.target = SYSTEM_ERR
appender.stderr.layout.type = PatternLayout
appender.stderr.layout.pattern = ${PATTERN}
rootLogger.level = ${level}
rootLogger.appenderRef.stderr.ref = stderr
`;
}

export function reload4jFileConfig(logFile: string, level = 'INFO'): string {
  return `log4j.rootLogger=${level}, file
log4j.appender.file=org.apache.log4j.FileAppender
log4j.appender.file.File=${logFile}
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=${PATTERN}
`;
}

export function reload4jStderrConfig(level = 'WARN'): string {
  return `log4j.rootLogger=${level}, stderr
log4j.appender.stderr=org.apache.log4j.ConsoleAppender
log4j.appender.stderr.Target=System.err
log4j.appender.stderr.layout=org.apache.log4j.PatternLayout
log4j.appender.stderr.layout.ConversionPattern=${PATTERN}
`;
}

/** The JVM flag that points the logging backend at a configuration file. */
export function loggingFlag(logging: 'log4j2' | 'reload4j', configFile: string): string {
  return logging === 'log4j2' ? `-Dlog4j2.configurationFile=${configFile}` : `-Dlog4j.configuration=file:${configFile}`;
}
