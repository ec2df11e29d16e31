/** A host application: one requires for the whole of Rivulet's embedded server. */
module example.host {
  requires dev.rivulet.ws;
  requires java.net.http;

  exports example.host;
}
