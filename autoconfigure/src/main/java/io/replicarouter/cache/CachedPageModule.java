package io.replicarouter.cache;

import java.util.ArrayList;
import java.util.List;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.type.WritableTypeId;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.deser.std.StdDeserializer;
import tools.jackson.databind.jsontype.TypeSerializer;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.ser.std.StdSerializer;

import org.springframework.data.domain.PageImpl;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Pageable;
import org.springframework.data.domain.Sort;

/**
 * Spring Data's {@link PageImpl} as a cache value: Jackson writes a page as a bean it
 * cannot create again, and cannot write an unpaged one at all. Registered on the cache's
 * own JSON mapper only, never on the application's.
 * <p>
 * A page is written as its content (each element with its type, as any cached value),
 * its page number and size (absent when unpaged), its sort orders and its total:
 * <pre class="code">
 * {"@class":"org.springframework.data.domain.PageImpl","content":["java.util.ArrayList",[...]],
 *  "page":0,"size":20,"sort":[{"property":"name","direction":"ASC","ignoreCase":false,
 *  "nullHandling":"NATIVE"}],"total":42}
 * </pre>
 * Reading is strict: an entry of another shape (Jackson's bean form of a page, written by
 * another serializer) fails, so it is treated as unreadable and replaced, never served as
 * a page of the wrong content.
 */
final class CachedPageModule extends SimpleModule {

	private static final long serialVersionUID = 1L;

	@SuppressWarnings({ "rawtypes", "unchecked" })
	CachedPageModule() {
		super("replica-router-cached-page");
		addSerializer((Class) PageImpl.class, new PageSerializer());
		addDeserializer((Class) PageImpl.class, new PageDeserializer());
	}

	/**
	 * Whether the given class is the one this module reads, for the type validator.
	 * @param type a class named in a cached value
	 * @return whether it is {@link PageImpl}
	 */
	static boolean isPage(Class<?> type) {
		return type == PageImpl.class;
	}

	private static final class PageSerializer extends StdSerializer<PageImpl<?>> {

		PageSerializer() {
			super(PageImpl.class);
		}

		@Override
		public void serialize(PageImpl<?> page, JsonGenerator generator, SerializationContext context)
				throws JacksonException {
			generator.writeStartObject(page);
			writeProperties(page, generator, context);
			generator.writeEndObject();
		}

		@Override
		public void serializeWithType(PageImpl<?> page, JsonGenerator generator, SerializationContext context,
				TypeSerializer typeSerializer) throws JacksonException {
			WritableTypeId typeId = typeSerializer.writeTypePrefix(generator, context,
					typeSerializer.typeId(page, JsonToken.START_OBJECT));
			writeProperties(page, generator, context);
			typeSerializer.writeTypeSuffix(generator, context, typeId);
		}

		private static void writeProperties(PageImpl<?> page, JsonGenerator generator, SerializationContext context) {
			generator.writeName("content");
			// Typed by the mapper like any cached collection, so each element reads back as
			// its own class.
			context.writeValue(generator, new ArrayList<>(page.getContent()));
			Pageable pageable = page.getPageable();
			if (pageable.isPaged()) {
				generator.writeName("page");
				generator.writeNumber(pageable.getPageNumber());
				generator.writeName("size");
				generator.writeNumber(pageable.getPageSize());
			}
			generator.writeName("sort");
			generator.writeStartArray();
			for (Sort.Order order : page.getSort()) {
				generator.writeStartObject();
				generator.writeName("property");
				generator.writeString(order.getProperty());
				generator.writeName("direction");
				generator.writeString(order.getDirection().name());
				generator.writeBooleanProperty("ignoreCase", order.isIgnoreCase());
				generator.writeName("nullHandling");
				generator.writeString(order.getNullHandling().name());
				generator.writeEndObject();
			}
			generator.writeEndArray();
			generator.writeName("total");
			generator.writeNumber(page.getTotalElements());
		}

	}

	private static final class PageDeserializer extends StdDeserializer<PageImpl<?>> {

		PageDeserializer() {
			super(PageImpl.class);
		}

		@Override
		public PageImpl<?> deserialize(JsonParser parser, DeserializationContext context) throws JacksonException {
			List<?> content = null;
			Integer page = null;
			Integer size = null;
			Long total = null;
			Sort sort = Sort.unsorted();
			JsonToken token = parser.currentToken();
			if (token == JsonToken.START_OBJECT) {
				token = parser.nextToken();
			}
			for (; token == JsonToken.PROPERTY_NAME; token = parser.nextToken()) {
				String name = parser.currentName();
				parser.nextToken();
				switch (name) {
					case "content" -> content = context.readValue(parser, List.class);
					case "page" -> page = parser.getIntValue();
					case "size" -> size = parser.getIntValue();
					case "sort" -> sort = readSort(parser, context);
					case "total" -> total = parser.getLongValue();
					default -> {
						return context.reportInputMismatch(this, "Not a cached page: unexpected property '%s'", name);
					}
				}
			}
			if (content == null || total == null || (page == null) != (size == null)) {
				return context.reportInputMismatch(this, "Not a cached page: 'content' and 'total' are required, "
						+ "'page' and 'size' go together");
			}
			Pageable pageable = (page != null) ? PageRequest.of(page, size, sort) : Pageable.unpaged(sort);
			return new PageImpl<>(content, pageable, total);
		}

		private Sort readSort(JsonParser parser, DeserializationContext context) {
			if (parser.currentToken() != JsonToken.START_ARRAY) {
				return context.reportInputMismatch(this, "Not a cached page: 'sort' is not an array");
			}
			List<Sort.Order> orders = new ArrayList<>();
			while (parser.nextToken() == JsonToken.START_OBJECT) {
				String property = null;
				Sort.Direction direction = Sort.DEFAULT_DIRECTION;
				boolean ignoreCase = false;
				Sort.NullHandling nullHandling = Sort.NullHandling.NATIVE;
				while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
					String name = parser.currentName();
					parser.nextToken();
					switch (name) {
						case "property" -> property = parser.getString();
						case "direction" -> direction = Sort.Direction.valueOf(parser.getString());
						case "ignoreCase" -> ignoreCase = parser.getBooleanValue();
						case "nullHandling" -> nullHandling = Sort.NullHandling.valueOf(parser.getString());
						default -> {
							return context.reportInputMismatch(this,
									"Not a cached page: unexpected sort property '%s'", name);
						}
					}
				}
				if (property == null) {
					return context.reportInputMismatch(this, "Not a cached page: a sort order without a property");
				}
				orders.add(new Sort.Order(direction, property, ignoreCase, nullHandling));
			}
			return Sort.by(orders);
		}

	}

}
