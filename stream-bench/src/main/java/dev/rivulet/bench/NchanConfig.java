package dev.rivulet.bench;

import java.util.List;

/**
 * The nginx configuration of the nchan baseline (FanoutBenchmark): one process, no daemon, on
 * 127.0.0.1:PORT; per group {@code g} a WebSocket subscriber location {@code /sub/g} (new
 * subscribers get only newer messages, as after a Rivulet sync) and a publisher location {@code
 * /pub/g} whose POST body is sent to every subscriber of the channel as one text frame.
 */
final class NchanConfig {
  static final String MODULE = "/usr/share/nginx/modules/ngx_nchan_module.so";

  private NchanConfig() {}

  static String text(int port, List<String> groups) {
    StringBuilder locations = new StringBuilder();
    for (String g : groups) {
      locations
          .append("    location = /sub/")
          .append(g)
          .append(" {\n      nchan_subscriber websocket;\n      nchan_channel_id ")
          .append(g)
          .append(";\n      nchan_subscriber_first_message newest;\n    }\n")
          .append("    location = /pub/")
          .append(g)
          .append(" {\n      nchan_publisher;\n      nchan_channel_id ")
          .append(g)
          .append(";\n      nchan_message_buffer_length 16;\n    }\n");
    }
    return "load_module "
        + MODULE
        + ";\n"
        + "daemon off;\nmaster_process off;\nworker_processes 1;\npid nginx.pid;\n"
        + "error_log error.log warn;\nworker_rlimit_nofile 20000;\n"
        + "events {\n  worker_connections 16000;\n}\n"
        + "http {\n  access_log off;\n  client_body_temp_path body;\n"
        + "  server {\n    listen 127.0.0.1:"
        + port
        + ";\n"
        + locations
        + "  }\n}\n";
  }
}
